import StrictJSON

/// One validation pass over a workflow document. It keeps going after a problem so that a user
/// sees every problem in one run, and builds the definition only when there was none.
struct DefinitionChecker {
    typealias Code = Diagnostic.Code.Workflow

    /// The document's value.
    let root: JSONValue
    /// Positions, when the value came from a file.
    let document: JSONDocument?
    /// The activity types steps may name.
    let catalog: ActivityCatalog
    /// Problems found so far, in the order found.
    private(set) var diagnostics: [Diagnostic] = []
    /// Declared input types by name, for secret-reference checks in activity inputs.
    var inputTypes: [String: ValueType] = [:]
    /// Keys of diagnostics reported once only (a bad default would otherwise repeat for every step).
    private var reportedOnce: Set<String> = []

    init(root: JSONValue, document: JSONDocument?, catalog: ActivityCatalog) {
        self.root = root
        self.document = document
        self.catalog = catalog
    }

    // MARK: Reporting

    /// Records a problem at `pointer`; with `atKey`, at the member's key (for unknown fields).
    mutating func report(_ code: Diagnostic.Code, at pointer: JSONPointer, atKey: Bool = false, _ message: String) {
        var location = document?.location(of: pointer)
        if atKey, let key = document?.keyLocation(of: pointer) { location = key }
        diagnostics.append(
            Diagnostic(
                code: code, pointer: pointer.description, line: location?.line, column: location?.column,
                message: message))
    }

    /// Like ``report(_:at:atKey:_:)`` but only the first time `code` is reported at `pointer`.
    mutating func reportOnce(_ code: Diagnostic.Code, at pointer: JSONPointer, _ message: String) {
        guard reportedOnce.insert("\(code) \(pointer)").inserted else { return }
        report(code, at: pointer, message)
    }

    /// "line 12" when positions are known, otherwise the pointer, for messages that name another place.
    func place(of pointer: JSONPointer) -> String {
        if let location = document?.location(of: pointer) { return "line \(location.line)" }
        return pointer.description
    }

    // MARK: Reading members

    /// The object `value`, after reporting every member not in `known`; nil (reported) when not an object.
    mutating func members(of value: JSONValue, at pointer: JSONPointer, known: [String], in what: String) -> JSONObject? {
        guard case .object(let object) = value else {
            report(Code.wrongType, at: pointer, "\(what) must be an object, not \(value.article); write { ... }")
            return nil
        }
        for key in object.keys where !known.contains(key) {
            let suggestion = Suggestions.closest(to: key, among: known)
            let advice = suggestion.map { "did you mean \"\($0)\"?" } ?? "remove it or use a known field."
            report(
                Code.unknownField, at: pointer.appending(key), atKey: true,
                "unknown field \"\(key)\" in \(what); \(advice) Known fields: \(known.joined(separator: ", "))")
        }
        return object
    }

    /// The member `key`, or nil after reporting `workflow.missingField` at the object.
    mutating func required(_ key: String, of object: JSONObject, at pointer: JSONPointer, in what: String, hint: String)
        -> JSONValue?
    {
        if let value = object[key] { return value }
        report(Code.missingField, at: pointer, "\(what) has no \"\(key)\"; add it (\(hint))")
        return nil
    }

    /// The string member `key`; nil when absent or (reported) not a string.
    mutating func string(_ key: String, of object: JSONObject, at pointer: JSONPointer, in what: String) -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let text) = value else {
            report(Code.wrongType, at: pointer.appending(key), "\"\(key)\" in \(what) must be a string, not \(value.article)")
            return nil
        }
        return text
    }

    /// The Boolean member `key`; nil when absent or (reported) not a Boolean.
    mutating func bool(_ key: String, of object: JSONObject, at pointer: JSONPointer, in what: String) -> Bool? {
        guard let value = object[key] else { return nil }
        guard case .bool(let flag) = value else {
            report(Code.wrongType, at: pointer.appending(key), "\"\(key)\" in \(what) must be true or false, not \(value.article)")
            return nil
        }
        return flag
    }

    /// The member `key` as an array of strings; nil when absent or (reported) malformed.
    mutating func strings(_ key: String, of object: JSONObject, at pointer: JSONPointer, in what: String) -> [String]? {
        guard let value = object[key] else { return nil }
        guard case .array(let elements) = value else {
            report(Code.wrongType, at: pointer.appending(key), "\"\(key)\" in \(what) must be an array of strings, not \(value.article)")
            return nil
        }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                report(
                    Code.wrongType, at: pointer.appending(key).appending(index),
                    "\"\(key)\" in \(what) must hold strings only; element \(index) is \(element.article)")
                continue
            }
            result.append(text)
        }
        return result.count == elements.count ? result : nil
    }

    /// The task list member `key`, checked against SWF's naming rules.
    mutating func taskList(of object: JSONObject, at pointer: JSONPointer, in what: String) -> String? {
        guard let name = string("taskList", of: object, at: pointer, in: what) else { return nil }
        guard NameRules.isTaskList(name) else {
            report(
                Code.invalidName, at: pointer.appending("taskList"),
                "task list \"\(name)\" in \(what) is not a valid name: use 1 to 256 characters without \":\", \"/\", \"|\" or control characters (and not \"arn\")"
            )
            return nil
        }
        return name
    }
}

extension JSONValue {
    /// "a string", "an object", … for messages.
    var article: String {
        switch self {
        case .null: "null"
        case .array, .object: "an \(typeName)"
        default: "a \(typeName)"
        }
    }
}
