/* Runtime shared by the picolibc test guests (start.S + guest.c). */
#ifndef GUEST_H
#define GUEST_H

#include <stdio.h>

/* Count of failed CHECKs; main returns guest_finish() so a failure fails the test. */
extern int guest_failures;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			guest_failures++; \
			printf("CHECK FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		} \
	} while (0)

/* Print the closing verdict line and return the exit status for main. */
int guest_finish(const char *name);

#endif
