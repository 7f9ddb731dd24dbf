import Dispatch
import Foundation
import Synchronization

/// SIGINT and SIGTERM as a request to stop cleanly. Once a long-running command arms them, the
/// first one stops its engine (running attempts are cancelled, the lock released), says what was
/// stopped and how to continue, and the command exits with ``ExitStatus/interrupted(by:)``. A second
/// one exits at once: the operating system releases the lock, and the history is intact.
public final class Interrupts: Sendable {
    private struct State {
        var armed = false
        var received: Int32?
    }

    private let state = Mutex(State())
    private let signals: AsyncStream<Int32>
    private let continuation: AsyncStream<Int32>.Continuation
    /// Turns the signals on (the process's); called once, by the first ``arm()``.
    private let install: @Sendable (Interrupts) -> Void
    /// Ends the process at once with a status (the second signal).
    private let exitNow: @Sendable (Int32) -> Void
    /// The dispatch sources of the process's signals, kept alive while armed.
    private let sources = Mutex<SignalSources?>(nil)

    /// Holds the sources. Dispatch sources are thread-safe but not marked Sendable; these are set up
    /// once and never touched again, only kept.
    private final class SignalSources: @unchecked Sendable {
        let sources: [any DispatchSourceSignal]
        init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    }

    private init(install: @escaping @Sendable (Interrupts) -> Void, exitNow: @escaping @Sendable (Int32) -> Void) {
        (signals, continuation) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingOldest(1))
        self.install = install
        self.exitNow = exitNow
    }

    /// The process's SIGINT and SIGTERM; they keep their default action (end the process) until a
    /// command arms them.
    public static func process() -> Interrupts {
        Interrupts(
            install: { interrupts in interrupts.installSignalSources() },
            exitNow: { status in
                let text = "cairn: interrupted again; exiting at once. The history is intact: `cairn resume ID` continues.\n"
                _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
                _exit(status)
            })
    }

    /// Interrupts that only ``deliver(_:)`` raises (tests); `exitNow` receives a second signal's status.
    public static func manual(exitNow: @escaping @Sendable (Int32) -> Void = { _ in }) -> Interrupts {
        Interrupts(install: { _ in }, exitNow: exitNow)
    }

    /// From now on a signal asks the command to stop instead of ending the process.
    func arm() {
        let first = state.withLock { state -> Bool in
            defer { state.armed = true }
            return !state.armed
        }
        if first { install(self) }
    }

    /// Handles `signal`: the first one is kept for ``next()``; the second ends the process at once.
    public func deliver(_ signal: Int32) {
        let earlier = state.withLock { state -> Int32? in
            defer { state.received = state.received ?? signal }
            return state.received
        }
        if earlier != nil {
            exitNow(ExitStatus.interrupted(by: signal))
        } else {
            continuation.yield(signal)
        }
    }

    /// The first signal, once it arrives; nil when the calling task is cancelled first.
    func next() async -> Int32? {
        for await signal in signals { return signal }
        return nil
    }

    /// The signal received, if any.
    var received: Int32? { state.withLock { $0.received } }

    private func installSignalSources() {
        var installed: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            // Ignored first, so the default action (ending the process) no longer applies; the
            // dispatch source still sees each delivery.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in deliver(number) }
            source.resume()
            installed.append(source)
        }
        let kept = SignalSources(installed)
        sources.withLock { $0 = kept }
    }
}

extension ExitStatus {
    /// A command stopped by a signal: 128 + its number, as shells report it (130 for SIGINT, 143 for
    /// SIGTERM). The execution stays open; `cairn resume ID` continues it.
    static func interrupted(by signal: Int32) -> Int32 { 128 + signal }
}
