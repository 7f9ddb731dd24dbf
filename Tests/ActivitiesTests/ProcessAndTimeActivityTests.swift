import Activities
import EngineTesting
import Foundation
import StrictJSON
import Testing
import Time
import WorkflowModel

@Suite struct ExecActivityTests {
    @Test func sendsInputOnStdinAndParsesStdout() async throws {
        let h = try Harness()
        let output = try await h.run("exec", ["command": ["/bin/sh", "-c", "cat"], "input": ["b": [1, 2], "a": "x"]])
        #expect(output == ["a": "x", "b": [1, 2]])
    }

    @Test func emptyStdoutIsNullAndEnvIsPassed() async throws {
        let h = try Harness()
        #expect(try await h.run("exec", ["command": ["/bin/sh", "-c", "true"]]) == .null)
        let output = try await h.run(
            "exec", ["command": ["sh", "-c", #"printf '{"v":"%s"}' "$CAIRN_TEST_VALUE""#], "env": ["CAIRN_TEST_VALUE": "hello"]])
        #expect(output == ["v": "hello"])
        let directory = try await h.run("exec", ["command": ["/bin/sh", "-c", #"printf '"%s"' "$(pwd)""#], "workingDirectory": "/tmp"])
        #expect(directory == "/tmp")
    }

    @Test func aNonZeroExitIsExecFailedWithTheStderrTail() async throws {
        let h = try Harness()
        let failure = await h.failure { try await h.run("exec", ["command": ["/bin/sh", "-c", "echo boom >&2; exit 3"]]) }
        #expect(failure?.reason == "ExecFailed")
        #expect(failure?.details == "exit status 3; stderr ends with: boom\n")
        #expect(failure?.isNonRetryable == false)
        let long = await h.failure {
            try await h.run("exec", ["command": ["/bin/sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x >&2; echo END >&2; exit 1"]])
        }
        let details = long?.details ?? ""
        let tail = details.components(separatedBy: "stderr ends with: ").last ?? ""
        #expect(tail.utf8.count == Limits.execStderrTailMax)
        #expect(tail.hasSuffix("xEND\n"))
    }

    @Test func aMissingProgramIsCommandNotFound() async throws {
        let h = try Harness()
        for command: JSONValue in [["cairn-no-such-program-xyz"], ["/nonexistent/bin/tool"], ["/tmp"]] {
            let failure = await h.failure { try await h.run("exec", ["command": command]) }
            #expect(failure?.reason == "CommandNotFound")
            #expect(failure?.isNonRetryable == true)
        }
    }

    @Test func nonJSONStdoutIsInvalidOutputWithoutQuotingIt() async throws {
        let h = try Harness()
        let failure = await h.failure { try await h.run("exec", ["command": ["/bin/sh", "-c", "echo not-json-output"]]) }
        #expect(failure?.reason == "InvalidOutput")
        #expect(failure?.isNonRetryable == true, "the same program writes the same output on the next attempt")
        #expect(failure?.details.contains("not-json-output") == false)
        #expect(failure?.details.hasSuffix("json.syntax at line 1, column 1") == true)
    }

    /// The parser's messages quote what they found (a word, a duplicate key); the failure keeps
    /// only the error code and where it is, since the output may hold secrets.
    @Test(arguments: [
        (#"printf '{\n  "a": 1,\n  "b": hunter2-secret\n}'"#, "json.syntax at line 3, column 8"),
        (#"printf '{"hunter2-secret":1,"hunter2-secret":2}'"#, "json.duplicateKey at line 1, column 21"),
        (#"printf '["hunter2-secret",]'"#, "json.syntax at line 1, column 19"),
        (#"printf '%.0s[' $(seq 65); printf 'hunter2-secret'"#, "json.tooDeep at line 1, column 65"),
        (#"printf '{"a":1} hunter2-secret'"#, "json.trailingContent at line 1, column 9"),
    ])
    func invalidOutputNamesTheErrorAndPositionOnly(script: String, expected: String) async throws {
        let h = try Harness()
        let failure = await h.failure { try await h.run("exec", ["command": ["/bin/sh", "-c", .string(script)]]) }
        #expect(failure?.reason == "InvalidOutput")
        #expect(failure?.details.hasSuffix(expected) == true, "\(failure?.details ?? "no failure")")
        #expect(failure?.details.contains("hunter2") == false)
    }

    @Test func outputNestedUpToTheDepthLimitIsAccepted() async throws {
        let h = try Harness()
        let depth = Limits.jsonDepthMax
        let output = try await h.run(
            "exec", ["command": ["/bin/sh", "-c", .string("printf '%.0s[' $(seq \(depth)); printf '%.0s]' $(seq \(depth))")]])
        #expect(output.nestingDepth == depth)
    }

    @Test func badInputIsInvalidInput() async throws {
        let h = try Harness()
        for input: JSONValue in [
            ["command": []], ["command": "ls"], ["command": ["ls"], "env": ["X": 1]],
            ["command": ["ls"], "workingDirectory": "/nonexistent-dir"],
        ] {
            let failure = await h.failure { try await h.run("exec", input) }
            #expect(failure?.reason == "InvalidInput")
        }
    }

    @Test func cancellationTerminatesTheProcess() async throws {
        let h = try Harness()
        let handler = h.handlers["exec"]!
        let context = h.context()
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cairn-exec-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pid"
        ).path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let script = "echo $$ > \(pidFile); exec sleep 30"
        let task = Task { try await handler.run(input: ["command": ["/bin/sh", "-c", .string(script)]], context: context) }
        func writtenPid() -> Int32? {
            (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
        while h.recorder.reports.isEmpty || writtenPid() == nil { await Task.yield() }
        let pid = try #require(writtenPid())
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // The child was terminated and reaped when the handler returned: signalling it finds nothing.
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
    }
}

@Suite struct SleepAndNoopActivityTests {
    @Test func sleepWaitsOnTheClockHeartbeatingEveryTenSeconds() async throws {
        let h = try Harness()
        let start = h.clock.now()
        let output = try await h.runDriving("sleep", ["duration": "25s"])
        #expect(output == ["sleptFor": "25s"])
        #expect(keys(output) == Set(spec("sleep").outputFields!))
        #expect(h.clock.now().interval(since: start) == .seconds(25))
        #expect(h.recorder.heartbeats.count == 2)
    }

    @Test func sleepStopsWhenTheHeartbeatAsks() async throws {
        let h = try Harness()
        let handler = h.handlers["sleep"]!
        let context = h.context(stopOnHeartbeat: true)
        let task = Task { try await handler.run(input: ["duration": "1h"], context: context) }
        while h.clock.sleeperCount == 0 { await Task.yield() }
        h.clock.advance(by: .seconds(10))
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }

    @Test func sleepNeedsADuration() async throws {
        let h = try Harness()
        for input: JSONValue in [[:], ["duration": "soon"], ["duration": 30]] {
            let failure = await h.failure { try await h.run("sleep", input) }
            #expect(failure?.reason == "InvalidInput")
        }
    }

    @Test func noopReturnsItsInput() async throws {
        let h = try Harness()
        let input: JSONValue = ["anything": [1, "two", nil], "more": true]
        #expect(try await h.run("noop", input) == input)
        #expect(try await h.run("noop", .null) == .null)
    }
}
