import Foundation
import Synchronization

/// Where the CLI writes: stdout and stderr in production, buffers in tests.
public final class Console: Sendable {
    private let writeOut: @Sendable (String) -> Void
    private let writeErr: @Sendable (String) -> Void
    /// Whether stdout is a terminal (live progress) or not (plain lines).
    public let isTerminal: Bool
    /// Terminal width in columns, when known.
    public let width: Int

    /// A console with explicit sinks.
    public init(
        isTerminal: Bool = false, width: Int = 100, out: @escaping @Sendable (String) -> Void,
        err: @escaping @Sendable (String) -> Void
    ) {
        self.isTerminal = isTerminal
        self.width = width
        writeOut = out
        writeErr = err
    }

    /// The process's stdout and stderr.
    public static func standard() -> Console {
        let terminal = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        var size = winsize()
        let width = ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 100
        return Console(
            isTerminal: terminal, width: width,
            out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
            err: { text in FileHandle.standardError.write(Data(text.utf8)) })
    }

    /// Writes `text` and a newline to stdout.
    public func line(_ text: String = "") { writeOut(text + "\n") }
    /// Writes `text` as is to stdout.
    public func write(_ text: String) { writeOut(text) }
    /// Writes `text` and a newline to stderr.
    public func error(_ text: String) { writeErr(text + "\n") }
}

/// A console that records what was written, for tests.
public final class RecordingConsole: Sendable {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))

    /// Makes an empty recorder.
    public init() {}

    /// A console writing into this recorder.
    public func console(isTerminal: Bool = false) -> Console {
        Console(
            isTerminal: isTerminal, out: { text in self.buffers.withLock { $0.out += text } },
            err: { text in self.buffers.withLock { $0.err += text } })
    }

    /// Everything written to stdout.
    public var out: String { buffers.withLock { $0.out } }
    /// Everything written to stderr.
    public var err: String { buffers.withLock { $0.err } }
}
