import Foundation

/// What the sources say about one error type's codes: which constant names each code string, and
/// whether anything outside the type's own declaration creates it. Plain text scanning, in the
/// shape every error type follows (`case name = "prefix.name"` in the private enum,
/// `static let name = Code(value: .name)` for its constant).
enum CodeSources {
    /// The code strings declared in `block` (the text of one error type), each with the names of the
    /// constants that make it.
    static func constants(in block: String) -> [String: [String]] {
        var strings: [String: String] = [:]
        for match in block.matches(of: /case (\w+) = "([^"]+)"/) { strings[String(match.1)] = String(match.2) }
        var constants: [String: [String]] = [:]
        for match in block.matches(of: /static let (\w+) = Code\((?:value: )?\.(\w+)\)/) {
            guard let code = strings[String(match.2)] else { continue }
            constants[code, default: []].append(String(match.1))
        }
        return constants
    }

    /// The text of every declaration of `type` in `text` (`struct`, `enum` or `extension`, from its
    /// keyword to its closing brace), joined.
    static func declarations(of type: String, in text: String) -> String {
        blocks(of: type, in: text).map { String(text[$0]) }.joined(separator: "\n")
    }

    /// `text` without the declarations of `type`, so that what is left are its uses.
    static func removingDeclarations(of type: String, from text: String) -> String {
        var remaining = text
        for range in blocks(of: type, in: text).reversed() { remaining.removeSubrange(range) }
        return remaining
    }

    private static func blocks(of type: String, in text: String) -> [Range<String.Index>] {
        let opening = try! Regex("(?m)^[ \\t]*(?:public |package |fileprivate |private )?(?:struct|enum|extension) \(type)\\b[^{\\n]*\\{")
        return text.matches(of: opening).map { match in
            var depth = 0
            var index = text.index(before: match.range.upperBound)
            repeat {
                if text[index] == "{" { depth += 1 }
                if text[index] == "}" { depth -= 1 }
                index = text.index(after: index)
            } while depth > 0 && index < text.endIndex
            return match.range.lowerBound..<index
        }
    }

    /// Whether some line of `code` creates the constant `name`: `.name` in a construction, a factory
    /// call or an argument, but not compared (`== .name`, `!= .name`) or matched (`case .name:`).
    static func creates(_ name: String, in code: String) -> Bool {
        guard code.contains("." + name) else { return false }
        let use = try! Regex("\\.\(name)(?![A-Za-z0-9_])")
        for rawLine in code.split(separator: "\n") {
            var line = codeOnly(rawLine)
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("case ") {
                // A pattern: only what follows it (the value a switch expression produces) can create.
                guard let colon = line.firstIndex(of: ":") else { continue }
                line = line[line.index(after: colon)...]
            }
            for match in line.matches(of: use) where !isCompared(line[..<match.range.lowerBound]) { return true }
        }
        return false
    }

    /// Whether the dotted chain that ends `before` (`error.code == StoreError.Code`) is compared.
    private static func isCompared(_ before: Substring) -> Bool {
        let chain = before.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        let rest = before.dropLast(chain.count).reversed().drop { $0 == " " }
        return rest.starts(with: "==") || rest.starts(with: "=!")
    }

    /// `line` up to a `//` comment, with the contents of its string literals blanked out.
    static func codeOnly(_ line: Substring) -> Substring {
        var code = ""
        var inString = false
        var previous: Character = " "
        for character in line {
            if character == "\"" && previous != "\\" {
                inString.toggle()
            } else if !inString, character == "/", previous == "/" {
                code.removeLast()
                break
            }
            code.append(inString && character != "\"" ? " " : character)
            previous = character
        }
        return code[...]
    }
}
