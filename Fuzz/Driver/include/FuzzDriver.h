#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver over the process arguments, feeding each input to LLVMFuzzerTestOneInput.
/// SwiftPM gives every executable its own main(), so libFuzzer's main() is never linked; this calls the driver
/// from that main() instead.
int modelwarden_fuzz_main(int argc, char **argv);
