/* vm_sv39.S - Sv39 translation, superpages and every page-fault case (see vm.h). */
#define VM_LEVELS 3
#define VM_SATP SATP_SV39
#include "vm.h"
