// libFuzzer entry point for FuzzTargets.history; built by `make fuzz` only. A broken invariant is a crash.
import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHistory(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    if let problem = FuzzTargets.history(data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []) {
        fatalError(problem)
    }
    return 0
}
