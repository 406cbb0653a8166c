/*
 * htif.h - the Berkeley host-target interface, as bare-metal test suites
 * use it: a store to the ELF symbol `tohost` ends the run or asks the host
 * to print.
 */
#ifndef VMM_MACHINE_HTIF_H
#define VMM_MACHINE_HTIF_H

#include <stdint.h>

struct machine;

/* Watch stores to `tohost` (0 disables the HTIF). */
void htif_attach(struct machine *m, uint64_t tohost, uint64_t fromhost);

/* Called by the bus after a store touched the watched tohost range. */
void htif_notify_store(struct machine *m, uint64_t paddr);

#endif
