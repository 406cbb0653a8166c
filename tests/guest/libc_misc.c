/*
 * setjmp/longjmp (including callee-saved FP registers), qsort and the string functions.
 * Every result is checked against a value computed another way, and printed.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"

static jmp_buf misc_env;
static int misc_depth;

static void misc_dive(int n);
/* Called through a volatile pointer so the compiler keeps a real call chain. */
static void (*volatile misc_dive_next)(int) = misc_dive;

static void misc_dive(int n)
{
	volatile double scratch = n * 1.5;

	misc_depth = n;
	if (n < 17)
		misc_dive_next(n + 1);
	longjmp(misc_env, misc_depth * (int)scratch);
}

static void misc_test_setjmp(void)
{
	/* Values kept in callee-saved registers across setjmp must survive longjmp. */
	register double kept_fp = 2.25;
	volatile int counter = 0;
	int rc;

	rc = setjmp(misc_env);
	counter++;
	if (rc == 0)
		misc_dive_next(1);
	printf("setjmp rc %d depth %d counter %d fp %a\n", rc, misc_depth, counter, kept_fp);
	CHECK(rc == 17 * 25);
	CHECK(counter == 2);
	CHECK(kept_fp == 2.25);

	rc = setjmp(misc_env);
	if (rc == 0)
		longjmp(misc_env, 0); /* longjmp(env, 0) must return 1 */
	CHECK(rc == 1);
}

static int misc_cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int misc_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int misc_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void misc_test_qsort(void)
{
	static int ints[3000];
	static double doubles[1000];
	static const char *words[] = { "virt", "hart", "clint", "uart", "plic",
				       "sbi",  "mmu",  "tlb",	"csr",	"fence",
				       "amo",  "lr",   "sc",	"a",	"" };
	uint32_t x = 12345;
	uint64_t sum = 0, sum_after = 0;
	int i;

	for (i = 0; i < 3000; i++) {
		x = x * 1103515245 + 12345;
		ints[i] = (int)(x >> 1) - (i % 3 ? 0 : INT_MAX / 2);
		sum += (uint32_t)ints[i];
	}
	qsort(ints, 3000, sizeof(int), misc_cmp_int);
	for (i = 0; i < 3000; i++) {
		sum_after += (uint32_t)ints[i];
		if (i)
			CHECK(ints[i - 1] <= ints[i]);
	}
	CHECK(sum == sum_after);
	printf("qsort ints %d %d %d sum %llx\n", ints[0], ints[1500], ints[2999],
	       (unsigned long long)sum);

	for (i = 0; i < 1000; i++)
		doubles[i] = (double)((i * 7919) % 1000) / 7.0 - 50.0;
	qsort(doubles, 1000, sizeof(double), misc_cmp_double);
	for (i = 1; i < 1000; i++)
		CHECK(doubles[i - 1] <= doubles[i]);
	printf("qsort doubles %a %a %a\n", doubles[0], doubles[500], doubles[999]);

	qsort(words, sizeof(words) / sizeof(words[0]), sizeof(words[0]), misc_cmp_str);
	for (i = 0; i < (int)(sizeof(words) / sizeof(words[0])); i++)
		printf("%s%s", i ? "," : "qsort words ", words[i]);
	printf("\n");
	CHECK(strcmp(words[0], "") == 0 && strcmp(words[1], "a") == 0);
}

static void misc_test_strings(void)
{
	char buf[256], buf2[256];
	char text[] = "alpha, beta;gamma,,delta";
	char *save, *tok;
	const char *volatile long_text = "overflowing";
	char *end;
	int i, n = 0;

	CHECK(strlen("hello, world") == 12);
	CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "abc") > 0 && strcmp("x", "x") == 0);
	CHECK(strncmp("abcdef", "abcxyz", 3) == 0);
	CHECK(memcmp("\x01\x80", "\x01\x7f", 2) > 0); /* bytes compare unsigned */
	CHECK(strchr("riscv", 's') && *strchr("riscv", 's') == 's');
	CHECK(strrchr("a/b/c", '/') - "a/b/c" == 3);
	CHECK(strstr("the quick brown fox", "brown") != NULL);
	CHECK(strstr("aaab", "aab") != NULL && strstr("abc", "abd") == NULL);

	/* memmove with overlap both ways, at every small alignment */
	for (i = 0; i < 256; i++)
		buf[i] = (char)i;
	for (i = 0; i < 8; i++) {
		memmove(buf + 16 + i, buf + 8, 100);
		memmove(buf + 8, buf + 16 + i, 100);
	}
	for (i = 0; i < 100; i++)
		CHECK(buf[8 + i] == (char)(8 + i));

	memset(buf2, 'z', sizeof(buf2));
	strncpy(buf2, "short", 10);
	CHECK(buf2[4] == 't' && buf2[5] == 0 && buf2[9] == 0 && buf2[10] == 'z');
	strcpy(buf2, "con");
	strcat(buf2, "cat");
	CHECK(strcmp(buf2, "concat") == 0);

	for (tok = strtok_r(text, ",;", &save); tok; tok = strtok_r(NULL, ",;", &save)) {
		printf("token[%d] '%s'\n", n, tok);
		n++;
	}
	CHECK(n == 4);

	CHECK(strtol("-0x7fffffff", &end, 16) == -0x7fffffff && *end == 0);
	CHECK(strtoul("777", NULL, 8) == 511);
	CHECK(strtoll("9223372036854775807", NULL, 10) == LLONG_MAX);
	CHECK(strtod("2.5e-3", &end) == 2.5e-3 && *end == 0);
	CHECK(strtod("0x1.8p1", NULL) == 3.0);
	CHECK(atoi("  42abc") == 42);

	snprintf(buf, sizeof(buf), "%d|%5u|%-5x|%08lX|%lld|%c|%s|%%|%.3s", -7, 42u, 255u,
		 0xdeadbeefUL, LLONG_MIN, 'q', "str", "truncate");
	printf("snprintf '%s'\n", buf);
	CHECK(strcmp(buf, "-7|   42|ff   |DEADBEEF|-9223372036854775808|q|str|%|tru") == 0);
	CHECK(snprintf(buf, 4, "%s", long_text) == 11 && strcmp(buf, "ove") == 0);
}

int main(void)
{
	misc_test_setjmp();
	misc_test_qsort();
	misc_test_strings();
	return guest_finish("libc_misc");
}
