// SwiftPM links every Linux executable with `main` aliased to
// `<target>_main`, which a Swift file built with -parse-as-library does not
// define. This gives it one that hands control to libFuzzer's driver.
#include <stddef.h>
#include <stdint.h>
#include "FuzzEntry.h"

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int FuzzDecoder_main(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
