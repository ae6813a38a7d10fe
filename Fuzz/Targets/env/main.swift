import FuzzDriver
import Glibc
import ModelwardenFuzzing

/// libFuzzer's entry point: hands each input to `FuzzEntryPoints.envFile`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzEntryPoints.envFile(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

exit(modelwarden_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
