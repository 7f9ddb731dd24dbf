import Foundation
import StrictJSON
import Testing
import WorkflowModel

@testable import Activities

#if canImport(Glibc)
    import Glibc
#endif

/// Which `exec` failures are retried: only those that may not happen again.
@Suite struct ExecRetryabilityTests {
    /// A JSON string of exactly `n` bytes with `n` = the limit - 1, the limit, the limit + 1.
    @Test(arguments: [Limits.payloadBytesMax - 1, Limits.payloadBytesMax, Limits.payloadBytesMax + 1])
    func stdoutIsLimitedToThePayloadSize(bytes: Int) async throws {
        let h = try Harness()
        let script = "printf '\"'; head -c \(bytes - 2) /dev/zero | tr '\\0' x; printf '\"'"
        let run = { try await h.run("exec", ["command": ["/bin/sh", "-c", .string(script)]]) }
        if bytes <= Limits.payloadBytesMax {
            #expect(try await run().stringValue?.utf8.count == bytes - 2)
        } else {
            let failure = await h.failure(run)
            #expect(failure?.reason == "OutputTooLarge")
            #expect(failure?.isNonRetryable == true)
        }
    }

    @Test func aFileThatIsNotAProgramIsNotRetried() async throws {
        let h = try Harness()
        let path = FileManager.default.temporaryDirectory.path + "/cairn-not-a-program-\(UUID().uuidString)"
        // Close-on-exec: a program another test starts meanwhile must not keep the file open for
        // writing, which would make the launch fail with ETXTBSY (retryable) instead.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o755)
        try #require(descriptor >= 0)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(write(descriptor, [0, 1, 2, 3], 4) == 4)
        close(descriptor)
        let failure = await h.failure { try await h.run("exec", ["command": [.string(path)]]) }
        #expect(failure?.reason == "CommandNotFound")
        #expect(failure?.details.hasSuffix("could not be started: Exec format error") == true, "\(failure?.details ?? "")")
        #expect(failure?.isNonRetryable == true)
    }

    /// A launch refused for want of processes, memory or descriptors may work later; one refused for
    /// the file itself will not.
    @Test(arguments: [(EAGAIN, false), (ENOMEM, false), (EMFILE, false), (ENFILE, false), (ETXTBSY, false),
        (ENOEXEC, true), (EACCES, true), (ENOENT, true), (E2BIG, true)] as [(Int32, Bool)])
    func aLaunchFailureIsRetriedOnlyWhenItsCauseMayPass(code: Int32, isNonRetryable: Bool) {
        let failure = ExecActivity.launchFailure("/bin/tool", code: code)
        #expect(failure.isNonRetryable == isNonRetryable)
        #expect(failure.reason == (isNonRetryable ? "CommandNotFound" : "ExecFailed"))
    }

    /// The catalog's list is what a history records and a remote worker reads: it names every
    /// failure the handler marks as never retried.
    @Test func theCatalogNamesEveryFailureThatIsNeverRetried() {
        #expect(Set(spec("exec").nonRetryableErrors) == ["InvalidInput", "CommandNotFound", "InvalidOutput", "OutputTooLarge"])
    }
}
