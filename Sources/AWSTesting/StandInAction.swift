import Foundation
import Synchronization

/// What the stand-in does with one request it has read (and recorded).
public enum StandInAction: Sendable {
    /// Answers with this status, headers and body; `Content-Length` is added unless given.
    ///
    /// A `Connection: close` header makes the stand-in close the connection after the response.
    case respond(status: Int, headers: [(String, String)], body: [UInt8])
    /// Closes the connection without answering: the client sees a lost response.
    case closeWithoutResponse
    /// Relays the request to the upstream at this base URL (only scheme, host and port are used) and relays
    /// its answer back.
    case forward(to: URL)
    /// Relays the request to the upstream, so its side effect happens, then drops the answer and closes:
    /// a lost response after the operation succeeded.
    case forwardThenClose(to: URL)
}

extension StandInAction {
    /// A response with a UTF-8 text body.
    public static func text(_ body: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8") -> StandInAction {
        .respond(status: status, headers: [("Content-Type", contentType)], body: Array(body.utf8))
    }

    /// An RDS Query API error, shaped as RDS sends it:
    /// `<ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`, `text/xml`.
    ///
    /// `type` defaults as AWS does: `Sender` for 4xx, `Receiver` for 5xx.
    public static func rdsError(code: String, message: String, status: Int, type: String? = nil) -> StandInAction {
        let type = type ?? (status >= 500 ? "Receiver" : "Sender")
        let requestId = UUID().uuidString.lowercased()
        let xml =
            #"<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>\#(xmlEscaped(type))</Type>"#
            + "<Code>\(xmlEscaped(code))</Code><Message>\(xmlEscaped(message))</Message></Error>"
            + "<RequestId>\(requestId)</RequestId></ErrorResponse>"
        return .respond(
            status: status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: Array(xml.utf8))
    }

    /// RDS throttling as AWS sends it: HTTP 400, code `Throttling`, message `Rate exceeded`.
    public static var throttling: StandInAction { rdsError(code: "Throttling", message: "Rate exceeded", status: 400) }

    /// An HTTP 503 with an RDS-shaped `ServiceUnavailable` error body.
    public static var serviceUnavailable: StandInAction {
        rdsError(code: "ServiceUnavailable", message: "Service is currently unavailable.", status: 503)
    }

    /// An HTTP 500 with an RDS-shaped `InternalFailure` error body.
    public static var internalFailure: StandInAction {
        rdsError(code: "InternalFailure", message: "An internal error has occurred.", status: 500)
    }

    /// An authentication error shaped as moto's signature check sends it: one level deeper
    /// (`ErrorResponse/Errors/Error`), and `text/html` although the body is XML.
    public static func motoAuthError(code: String, message: String, status: Int = 403) -> StandInAction {
        let xml =
            #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
            + "<ErrorResponse><Errors><Error><Code>\(xmlEscaped(code))</Code><Message>\(xmlEscaped(message))</Message>"
            + "<Type>Sender</Type></Error></Errors></ErrorResponse>"
        return .respond(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(xml.utf8))
    }

    /// Escapes the five XML special characters for element text.
    static func xmlEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// A thread-safe script of actions, used one per request in arrival order, then a fallback.
///
/// For "the first two requests get 503, then forward to moto":
/// `ScriptedResponses(then: .forward(to: moto.baseURL), .serviceUnavailable, .serviceUnavailable)`.
public final class ScriptedResponses: Sendable {
    private let queue: Mutex<[StandInAction]>
    private let fallback: @Sendable (RecordedRequest) -> StandInAction

    /// A script that answers with `actions` in order, then with `fallback` for every later request.
    public init(then fallback: StandInAction, _ actions: StandInAction...) {
        queue = Mutex(actions)
        self.fallback = { _ in fallback }
    }

    /// A script that answers with `actions` in order, then asks `fallback`.
    public init(_ actions: [StandInAction] = [], fallback: @escaping @Sendable (RecordedRequest) -> StandInAction) {
        queue = Mutex(actions)
        self.fallback = fallback
    }

    /// Appends actions to the end of the script.
    public func enqueue(_ actions: StandInAction...) {
        queue.withLock { $0 += actions }
    }

    /// Appends `action` `count` times.
    public func enqueue(_ action: StandInAction, times count: Int) {
        queue.withLock { $0 += Array(repeating: action, count: count) }
    }

    /// How many scripted actions are still unused.
    public var remaining: Int { queue.withLock { $0.count } }

    /// The next scripted action, or the fallback's answer when the script is used up.
    public func next(for request: RecordedRequest) -> StandInAction {
        let scripted = queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        return scripted ?? fallback(request)
    }

    /// The script as a handler for ``LoopbackHTTPServer``.
    public var handler: @Sendable (RecordedRequest) -> StandInAction {
        { [self] request in next(for: request) }
    }
}
