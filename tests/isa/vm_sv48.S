/* vm_sv48.S - Sv48 translation incl. 512 GiB pages and every page-fault case (see vm.h). */
#define VM_LEVELS 4
#define VM_SATP SATP_SV48
#include "vm.h"
