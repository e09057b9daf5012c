#include "LibFuzzerDriver.h"
#include <stdlib.h>

// Declared in LLVM's FuzzerInterface.h (LLVM >= 11); the toolchain's libclang_rt.fuzzer, linked
// by -sanitize=fuzzer, defines it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

void run_libfuzzer(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size)) {
    exit(LLVMFuzzerRunDriver(&argc, &argv, test_one_input));
}
