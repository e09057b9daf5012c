import LibFuzzerDriver

/// Any violation of the oracle aborts, so that libFuzzer reports the input as a crash and keeps it.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let violation = HL7v2FuzzOracle.violations(bytes).first {
        fatalError("HL7v2 fuzz oracle violated: \(violation)")
    }
    return 0
}

run_libfuzzer(CommandLine.argc, CommandLine.unsafeArgv, testOneInput)
