import Dispatch
import Foundation
import StrictJSON
import Testing
import WorkflowModel

@testable import Activities

#if canImport(Glibc)
    import Glibc
#endif

/// `exec` runs its program in a process group of its own and ends the whole group when cancelled,
/// with real processes and real signals. Each program reports its pids through a named pipe, so the
/// test waits for events (a line, a process's end) with a time limit and never sleeps.
@Suite struct ExecProcessGroupTests {
    /// Starts `script` under `/bin/sh -c` as an `exec` activity in a task; `$FIFO` names `fifo`.
    func start(_ script: String, fifo: LineFIFO, gracePeriod: Duration = ExecActivity.defaultTerminationGracePeriod)
        throws -> Task<JSONValue, any Error>
    {
        let context = try Harness().context()
        let handler = ExecActivity(terminationGracePeriod: gracePeriod)
        let input: JSONValue = ["command": ["/bin/sh", "-c", .string(script)], "env": ["FIFO": .string(fifo.path)]]
        return Task { try await handler.run(input: input, context: context) }
    }

    /// The pids the program wrote as its first line, each watched from now on.
    func watchReportedProcesses(_ fifo: LineFIFO) async throws -> [ProcessWatch] {
        let line = try #require(await fifo.nextLine())
        let pids = line.split(separator: " ").compactMap { pid_t($0) }
        try #require(pids.count == 2, "expected two pids, got \"\(line)\"")
        return try pids.map(ProcessWatch.init)
    }

    /// Each watched process has ended, or ends within the watch's time limit.
    func expectEnded(_ watches: [ProcessWatch], sourceLocation: Testing.SourceLocation = #_sourceLocation) async {
        for watch in watches {
            #expect(await watch.ended(), "process \(watch.pid) still runs", sourceLocation: sourceLocation)
            #expect(watch.isGone, "process \(watch.pid)", sourceLocation: sourceLocation)
        }
    }

    /// The program reports the TERM it gets (a blocked TERM would never arrive) and exits; its child
    /// gets the same TERM, as a member of the group.
    @Test(.timeLimit(.minutes(3)))
    func cancellationEndsTheProgramAndTheProcessesItStarted() async throws {
        let fifo = try LineFIFO()
        let script = #"trap 'echo TERM > "$FIFO"; exit 143' TERM; sleep 1000 & echo "$$ $!" > "$FIFO"; wait"#
        let task = try start(script, fifo: fifo)
        let watches = try await watchReportedProcesses(fifo)
        task.cancel()
        #expect(await fifo.nextLine() == "TERM")
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        await expectEnded(watches)
    }

    /// The program traps TERM and keeps waiting, and its child ignores TERM: both get TERM first (the
    /// trap reports it), and only the KILL sent after the grace period can end them.
    @Test(.timeLimit(.minutes(3)))
    func aGroupThatIgnoresTERMIsKilledAfterTheGracePeriod() async throws {
        let fifo = try LineFIFO()
        let script = #"""
            trap 'echo TERM > "$FIFO"' TERM
            (trap '' TERM; exec sleep 1000) &
            echo "$$ $!" > "$FIFO"
            while :; do wait $!; done
            """#
        let task = try start(script, fifo: fifo, gracePeriod: .milliseconds(200))
        let watches = try await watchReportedProcesses(fifo)
        task.cancel()
        #expect(await fifo.nextLine() == "TERM", "the program received TERM and outlived it")
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        await expectEnded(watches)
    }

    /// An engine thread may block SIGTERM (to take it with `sigwait`); the program must not inherit
    /// that mask, nor the Swift runtime's ignored SIGPIPE, or a timeout's SIGTERM would do nothing.
    @Test(.timeLimit(.minutes(3)))
    func theProgramStartsWithNoSignalBlockedOrIgnoredWhateverTheSpawningThreadBlocks() async throws {
        let context = try Harness().context()
        let script = #"printf '{"SigBlk":"%s","SigIgn":"%s"}' $(awk '/^SigBlk:/{b=$2} /^SigIgn:/{i=$2} END{print b, i}' /proc/$$/status)"#
        let executor = SIGTERMBlockingExecutor()
        let output = try await withTaskExecutorPreference(executor) {
            #expect(SIGTERMBlockingExecutor.currentThreadBlocksSIGTERM, "the spawning thread blocks SIGTERM")
            return try await ExecActivity().run(input: ["command": ["/bin/sh", "-c", .string(script)]], context: context)
        }
        // Bits 0-30 are signals 1-31. glibc's posix_spawn leaves its own two internal real-time
        // signals (32 and 33) ignored, which no program relies on.
        let standard: UInt64 = 0x7fff_ffff
        let blocked = try #require(output["SigBlk"]?.stringValue.flatMap { UInt64($0, radix: 16) }, "\(output)")
        let ignored = try #require(output["SigIgn"]?.stringValue.flatMap { UInt64($0, radix: 16) }, "\(output)")
        #expect(blocked == 0, "blocked: \(output)")
        #expect(ignored & standard == 0, "ignored: \(output)")
    }
}
