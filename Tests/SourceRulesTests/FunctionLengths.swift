/// A function, initializer, subscript or deinitializer with a body, and how long it is.
struct FunctionBody: Hashable, CustomStringConvertible {
    /// `func name`, `init`, `subscript` or `deinit`.
    var name: String
    /// The line of its keyword, 1-based.
    var line: Int
    /// Lines from its keyword to its closing brace, both included.
    var length: Int

    var description: String { "\(name) at line \(line): \(length) lines" }
}

extension SwiftSource {
    /// Every `func`, `init`, `subscript` and `deinit` with a body, in file order; nested ones are
    /// listed too, and closures count as part of the function they are in. Requirements without a
    /// body (in protocols) are skipped.
    func functionBodies() -> [FunctionBody] {
        var bodies: [FunctionBody] = []
        var offset = 0
        while offset < code.count {
            guard isIdentifierByte(code[offset]) else {
                offset += 1
                continue
            }
            let start = offset
            while offset < code.count, isIdentifierByte(code[offset]) { offset += 1 }
            let word = String(decoding: code[start..<offset], as: UTF8.self)
            guard ["func", "init", "subscript", "deinit"].contains(word), !followsDot(start) else { continue }
            guard let open = bodyOpening(after: offset), let close = matchingBrace(open) else { continue }
            let name = word == "func" ? "func " + nextToken(after: offset) : word
            bodies.append(FunctionBody(name: name, line: line(at: start), length: line(at: close) - line(at: start) + 1))
        }
        return bodies
    }

    /// Functions longer than `limit` lines.
    func functions(longerThan limit: Int) -> [FunctionBody] {
        functionBodies().filter { $0.length > limit }
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte >= 0x80
    }

    /// Whether the word at `offset` is a member (`self.init`, `.init(`), not a declaration.
    private func followsDot(_ offset: Int) -> Bool {
        var before = offset - 1
        while before >= 0, code[before] == UInt8(ascii: " ") || code[before] == UInt8(ascii: "\n") { before -= 1 }
        return before >= 0 && code[before] == UInt8(ascii: ".")
    }

    /// The declared name after `func`: an identifier or an operator.
    private func nextToken(after offset: Int) -> String {
        var start = offset
        while start < code.count, code[start] == UInt8(ascii: " ") { start += 1 }
        var end = start
        while end < code.count, ![UInt8(ascii: "("), UInt8(ascii: "<"), UInt8(ascii: " "), UInt8(ascii: "\n")].contains(code[end]) {
            end += 1
        }
        return String(decoding: code[start..<end], as: UTF8.self)
    }

    /// The `{` that opens the body of the declaration whose keyword ends at `offset`, or nil when it
    /// has none: the signature ends at a line break that nothing on the next line continues
    /// (`{`, `->`, `throws`, `where`, ...), or at the enclosing scope's `}`.
    private func bodyOpening(after offset: Int) -> Int? {
        var depth = 0
        var position = offset
        while position < code.count {
            switch code[position] {
            case UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "{") where depth == 0: return position
            case UInt8(ascii: "}") where depth == 0: return nil
            case UInt8(ascii: "\n") where depth == 0:
                guard continuesSignature(after: position) else { return nil }
            default: break
            }
            position += 1
        }
        return nil
    }

    /// Whether the first token after the line break at `offset` continues a signature.
    private func continuesSignature(after offset: Int) -> Bool {
        var start = offset
        while start < code.count, code[start] == UInt8(ascii: " ") || code[start] == UInt8(ascii: "\n") { start += 1 }
        let rest = code[start..<min(start + 9, code.count)]
        let continuations = ["{", "->", "throws", "rethrows", "async", "where", ",", "&"]
        return continuations.contains { rest.starts(with: Array($0.utf8)) }
    }

    /// The `}` that closes the `{` at `open`.
    private func matchingBrace(_ open: Int) -> Int? {
        var depth = 0
        for position in open..<code.count {
            if code[position] == UInt8(ascii: "{") { depth += 1 }
            if code[position] == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return position }
            }
        }
        return nil
    }
}
