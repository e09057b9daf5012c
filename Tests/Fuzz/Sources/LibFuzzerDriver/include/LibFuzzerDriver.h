#include <stddef.h>
#include <stdint.h>

/// Hands the process to libFuzzer, which calls `test_one_input` on each input, then exits with
/// libFuzzer's status. SwiftPM gives every Swift executable a main of its own, so the fuzzers
/// keep it and start libFuzzer through LLVMFuzzerRunDriver instead of using libFuzzer's main.
_Noreturn void run_libfuzzer(int argc, char **argv, int (*test_one_input)(const uint8_t *data, size_t size));
