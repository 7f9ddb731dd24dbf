#if os(Linux)
    import Foundation
    import Glibc

    /// A `cairn` process started by a test, with stdout and stderr captured to files.
    ///
    /// Its exit is signalled on a pipe (written by `Process.terminationHandler`), so a waiter can
    /// `poll()` the pipe together with an inotify descriptor and wake on whichever comes first.
    final class ChildProcess {
        let label: String
        let stdoutPath: String
        let stderrPath: String
        private let process = Process()
        private let outputs: [FileHandle]
        /// Read end of the exit pipe: readable once the process has exited.
        let exitDescriptor: Int32
        private let exitWriter: Int32
        private(set) var exitStatus: Int32?
        /// The history's size and the number of simulator calls just before the process started.
        var baseline: (historyBytes: Int, calls: Int) = (0, 0)

        /// Starts `executable arguments` in `directory`.
        init(
            label: String, executable: String, arguments: [String], directory: String, outputPrefix: String,
            extraEnvironment: [String: String] = [:]
        ) throws {
            self.label = label
            stdoutPath = outputPrefix + ".stdout"
            stderrPath = outputPrefix + ".stderr"
            let fileManager = FileManager.default
            guard fileManager.createFile(atPath: stdoutPath, contents: nil), fileManager.createFile(atPath: stderrPath, contents: nil),
                let out = FileHandle(forWritingAtPath: stdoutPath), let err = FileHandle(forWritingAtPath: stderrPath)
            else { throw E2EFailure("cannot create the output files \(outputPrefix).*") }
            outputs = [out, err]
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw E2EFailure("pipe() failed: errno \(errno)") }
            exitDescriptor = fds[0]
            exitWriter = fds[1]
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            var environment = ProcessInfo.processInfo.environment
            environment["CAIRN_STATE_DIR"] = nil
            environment["CAIRN_FAILPOINTS"] = nil
            environment.merge(extraEnvironment) { $1 }
            process.environment = environment
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            let writer = exitWriter
            process.terminationHandler = { _ in
                var byte: UInt8 = 1
                _ = write(writer, &byte, 1)
            }
            do { try process.run() } catch {
                close(exitDescriptor)
                close(exitWriter)
                throw E2EFailure("cannot start \(executable): \(error)")
            }
        }

        deinit {
            stop()
            close(exitDescriptor)
            close(exitWriter)
        }

        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { exitStatus == nil }

        /// Waits until the process exits or `deadline` passes; returns its exit status, nil on timeout.
        @discardableResult func wait(until deadline: ContinuousClock.Instant) -> Int32? {
            if let exitStatus { return exitStatus }
            var descriptor = pollfd(fd: exitDescriptor, events: Int16(POLLIN), revents: 0)
            while true {
                let remaining = ContinuousClock.now.duration(to: deadline)
                if remaining <= .zero { return nil }
                let milliseconds = Int32(
                    clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
                let ready = poll(&descriptor, 1, milliseconds)
                if ready > 0 { break }
                if ready < 0, errno != EINTR { return nil }
            }
            return reap()
        }

        /// Called once the exit pipe is readable: collects the status and closes the output files.
        @discardableResult func reap() -> Int32 {
            if let exitStatus { return exitStatus }
            process.waitUntilExit()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            exitStatus = status
            for handle in outputs { try? handle.close() }
            return status
        }

        /// Sends SIGKILL and waits for the process to be gone.
        /// - Throws: ``E2EFailure`` if it is still there 30 seconds later.
        func kill() throws {
            guard exitStatus == nil else { return }
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            if wait(until: .now + .seconds(30)) == nil { throw E2EFailure("\(label) (pid \(pid)) did not exit 30 s after SIGKILL") }
        }

        /// Sends SIGSTOP and returns once the process is stopped (`/proc/PID/stat` says `T`): it keeps
        /// its lock but writes nothing while the test looks around.
        /// - Throws: ``E2EFailure`` if it does not stop within 10 seconds.
        func pause() throws {
            guard exitStatus == nil else { return }
            _ = Glibc.kill(process.processIdentifier, SIGSTOP)
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                // "PID (comm) S ...": the state follows the command name.
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let end = stat.lastIndex(of: ")") else {
                    return
                }
                if let state = stat[stat.index(after: end)...].split(separator: " ").first, state == "T" || state == "Z" { return }
                sched_yield()
            }
            throw E2EFailure("\(label) (pid \(pid)) did not stop after SIGSTOP")
        }

        /// Kills the process if it still runs (used by every test's cleanup).
        func stop() { if exitStatus == nil, process.isRunning { try? kill() } }

        var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        /// The last lines of stdout and stderr, for failure messages.
        var outputTail: String {
            func tail(_ text: String) -> String { text.split(separator: "\n").suffix(12).joined(separator: "\n    ") }
            return "  stdout:\n    \(tail(stdout))\n  stderr:\n    \(tail(stderr))"
        }
    }

    /// A failed expectation of the end-to-end harness, with a message that says what was expected.
    struct E2EFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
#endif
