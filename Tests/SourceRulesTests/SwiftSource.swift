/// A Swift file's text with comments and the contents of string literals blanked out (newlines
/// kept), so that braces, keywords and `import` lines can be found by plain scanning.
///
/// It knows line and nested block comments, single-line, multi-line and raw strings, and
/// interpolations (with strings nested in them). It does not know regex literals (`/.../`);
/// the sources have none.
struct SwiftSource {
    /// The original text.
    let text: [UInt8]
    /// ``text`` with every comment and string content replaced by spaces.
    let code: [UInt8]
    /// Offsets where each line starts.
    private let lineStarts: [Int]

    init(_ text: String) {
        self.text = Array(text.utf8)
        var blanker = Blanker(input: self.text)
        blanker.scanCode(untilInterpolationEnds: false)
        code = blanker.output
        let bytes = self.text
        lineStarts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
    }

    /// The 1-based line of the byte at `offset`.
    func line(at offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle }
        }
        return low + 1
    }

    /// The lines of ``code``.
    var codeLines: [Substring] {
        String(decoding: code, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
    }
}

/// The scanner behind ``SwiftSource``: copies its input, blanking what is not code.
private struct Blanker {
    let input: [UInt8]
    var output: [UInt8]
    var index = 0

    init(input: [UInt8]) {
        self.input = input
        output = input
    }

    func byte(_ offset: Int) -> UInt8? { offset < input.count ? input[offset] : nil }

    mutating func blank(_ range: Range<Int>) {
        for offset in range where output[offset] != UInt8(ascii: "\n") { output[offset] = UInt8(ascii: " ") }
    }

    /// Scans code; inside an interpolation, stops at the `)` that ends it.
    mutating func scanCode(untilInterpolationEnds: Bool) {
        var parentheses = 0
        while index < input.count {
            let current = input[index]
            if current == UInt8(ascii: "/"), byte(index + 1) == UInt8(ascii: "/") {
                skipLineComment()
            } else if current == UInt8(ascii: "/"), byte(index + 1) == UInt8(ascii: "*") {
                skipBlockComment()
            } else if let opening = stringOpening() {
                skipString(hashes: opening.hashes, multiline: opening.multiline)
            } else {
                if untilInterpolationEnds, current == UInt8(ascii: "(") { parentheses += 1 }
                if untilInterpolationEnds, current == UInt8(ascii: ")") {
                    if parentheses == 0 { return }
                    parentheses -= 1
                }
                index += 1
            }
        }
    }

    mutating func skipLineComment() {
        let start = index
        while index < input.count, input[index] != UInt8(ascii: "\n") { index += 1 }
        blank(start..<index)
    }

    /// Block comments nest in Swift.
    mutating func skipBlockComment() {
        let start = index
        var depth = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "/"), byte(index + 1) == UInt8(ascii: "*") {
                depth += 1
                index += 2
            } else if input[index] == UInt8(ascii: "*"), byte(index + 1) == UInt8(ascii: "/") {
                depth -= 1
                index += 2
                if depth == 0 { break }
            } else {
                index += 1
            }
        }
        blank(start..<index)
    }

    /// At `#*"` or `#*"""`: the number of `#` and whether the string is multi-line.
    func stringOpening() -> (hashes: Int, multiline: Bool)? {
        var offset = index
        while byte(offset) == UInt8(ascii: "#") { offset += 1 }
        guard byte(offset) == UInt8(ascii: "\"") else { return nil }
        let multiline = byte(offset + 1) == UInt8(ascii: "\"") && byte(offset + 2) == UInt8(ascii: "\"")
        return (offset - index, multiline)
    }

    /// Whether `count` `#` follow `offset`.
    func hashes(_ count: Int, at offset: Int) -> Bool {
        (0..<count).allSatisfy { byte(offset + $0) == UInt8(ascii: "#") }
    }

    /// Skips a string literal from its opening delimiter to its closing one, blanking its contents
    /// (interpolations included).
    mutating func skipString(hashes: Int, multiline: Bool) {
        let quotes = multiline ? 3 : 1
        index += hashes + quotes
        let start = index
        while index < input.count {
            let current = input[index]
            if current == UInt8(ascii: "\\"), self.hashes(hashes, at: index + 1) {
                let afterEscape = index + 1 + hashes
                if byte(afterEscape) == UInt8(ascii: "(") {
                    index = afterEscape + 1
                    scanCode(untilInterpolationEnds: true)
                    index = min(index + 1, input.count)
                } else {
                    index = min(afterEscape + 1, input.count)
                }
                continue
            }
            if current == UInt8(ascii: "\""), (0..<quotes).allSatisfy({ byte(index + $0) == UInt8(ascii: "\"") }),
                self.hashes(hashes, at: index + quotes)
            {
                blank(start..<index)
                index += quotes + hashes
                return
            }
            // An unterminated single-line string ends at the line's end, not at the file's.
            if current == UInt8(ascii: "\n"), !multiline {
                blank(start..<index)
                return
            }
            index += 1
        }
        blank(start..<index)
    }
}
