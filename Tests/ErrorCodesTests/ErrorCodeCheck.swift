/// One error type's codes, as its `Code.all` gives them, and the file that declares it.
struct ErrorType: Sendable {
    /// The type whose declaration holds the codes, e.g. `EngineError` (`Diagnostic` for `Diagnostic.Code`).
    var name: String
    /// The file that declares it, relative to the repository, e.g. `Sources/WorkflowEngine/EngineError.swift`.
    var declaration: String
    /// Every code string, from `Code.all`.
    var codes: [String]

    /// The directory of the type's module: its files may use the codes without naming the type.
    var moduleDirectory: String { declaration.split(separator: "/").prefix(2).joined(separator: "/") }
}

/// The checks, as pure functions from what was read to one message per difference (empty: the
/// check holds). Each message names the code, where it is, and what to do.
enum ErrorCodeCheck {
    /// Codes declared but not documented, documented but not declared, documented twice, or declared by
    /// two types. Documented codes starting with one of `pendingPrefixes` belong to a type not yet
    /// in `types` and are not reported.
    static func documentationDifferences(
        types: [ErrorType], document: CodeDocument, documentName: String, pendingPrefixes: [String] = []
    ) -> [String] {
        var messages: [String] = []
        var owner: [String: String] = [:]
        for type in types {
            for code in type.codes {
                if let other = owner[code] {
                    messages.append("\(code) is declared by both \(other) and \(type.name): give one of them another code")
                }
                owner[code] = owner[code] ?? type.name
            }
        }
        var firstLine: [String: Int] = [:]
        for row in document.rows {
            if let line = firstLine[row.code] {
                messages.append("\(documentName):\(row.line) lists \(row.code) again (first on line \(line)): keep one row")
                continue
            }
            firstLine[row.code] = row.line
            if owner[row.code] == nil, !pendingPrefixes.contains(where: row.code.hasPrefix) {
                messages.append(
                    "\(documentName):\(row.line) lists \(row.code), which no error type declares: remove the row, or declare the code")
            }
        }
        for type in types {
            for code in type.codes where firstLine[code] == nil {
                messages.append(
                    "\(type.name) declares \(code), which \(documentName) does not list: add a row for it to a table headed | Code |")
            }
        }
        return messages
    }

    /// Codes of `type` that nothing outside its own declaration creates, and codes with no constant.
    /// `sources` are the files under Sources/ (path and text).
    static func uncreatedCodes(of type: ErrorType, sources: [(path: String, text: String)]) -> [String] {
        guard let declaration = sources.first(where: { $0.path == type.declaration }) else {
            return ["\(type.declaration) does not exist: update where \(type.name) is declared in the error-code check"]
        }
        let constants = CodeSources.constants(in: CodeSources.declarations(of: type.name, in: declaration.text))
        let uses = sources.compactMap { file -> String? in
            if file.path == type.declaration { return CodeSources.removingDeclarations(of: type.name, from: file.text) }
            let visible = file.path.hasPrefix(type.moduleDirectory + "/") || file.text.contains(type.name)
            return visible ? file.text : nil
        }
        return type.codes.compactMap { code in
            guard let names = constants[code] else {
                return "\(type.declaration): \(type.name) has no `static let NAME = Code(value: .NAME)` for \(code): declare one"
            }
            if uses.contains(where: { text in names.contains { CodeSources.creates($0, in: text) } }) { return nil }
            return "\(type.name) declares \(code) (.\(names[0])), but nothing in Sources/ creates it: "
                + "remove it from \(type.name) and docs/error-codes.md"
        }
    }
}
