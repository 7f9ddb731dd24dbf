/// Rules for workflow (execution) ids, which also name history files.
///
/// SWF forbids `:`, `/`, `|`, control characters and the literal `arn`; Cairn goes further so that an
/// id is always one safe file name: ASCII letters, digits, `.`, `_` and `-`, starting with a letter
/// or digit, at most ``Limits/executionIdLengthMax`` characters. Look-alike Unicode letters, `..`,
/// path separators and NUL are therefore impossible.
public enum ExecutionID {
    /// Nil when `id` is acceptable; otherwise what is wrong with it.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "an execution id cannot be empty" }
        let bytes = Array(id.utf8)
        if bytes.count > Limits.executionIdLengthMax {
            return "an execution id has at most \(Limits.executionIdLengthMax) characters; this one has \(bytes.count)"
        }
        if id == "arn" { return "\"arn\" is reserved (SWF's rule)" }
        for byte in bytes {
            let ok =
                (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            if !ok {
                return "an execution id may use only ASCII letters, digits, \".\", \"_\" and \"-\""
            }
        }
        let first = bytes[0]
        if first == UInt8(ascii: ".") || first == UInt8(ascii: "-") || first == UInt8(ascii: "_") {
            return "an execution id must start with a letter or digit"
        }
        return nil
    }

    /// Whether `id` is acceptable.
    public static func isValid(_ id: String) -> Bool { problem(with: id) == nil }
}
