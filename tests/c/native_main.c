/* Native runner for the kernel tests (scalar kernels; also built under
 * ASan/UBSan): prints the log, exits non-zero when a case failed. */
#include <stdio.h>

int run_kernel_tests(void);
const char *kernel_test_log(void);

int main(void) {
  const int failed = run_kernel_tests();
  fputs(kernel_test_log(), stdout);
  return failed ? 1 : 0;
}
