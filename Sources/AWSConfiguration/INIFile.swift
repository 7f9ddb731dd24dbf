// The INI dialect of ~/.aws/config and ~/.aws/credentials, as botocore reads it: Python's
// configparser.RawConfigParser with its defaults (strict, '=' and ':' delimiters, full-line '#'
// and ';' comments only, option names lower-cased, indented continuation lines, a DEFAULT section
// inherited by every section), then botocore's own step that turns a value whose first line is
// empty into a sub-section of `key = value` lines.

/// A value in a shared AWS file: one string, or an indented sub-section such as `rds =\n  endpoint_url = ...`.
enum INIValue: Sendable, Equatable {
    case string(String)
    case subsection([String: String])
}

/// An option with the line it started on.
struct INIEntry: Sendable, Equatable {
    /// The value, continuation lines joined with newlines.
    var value: INIValue
    /// The 1-based line of `name = value`.
    var line: Int
}

/// A `[name]` section with its options (DEFAULT's options merged in).
struct INISection: Sendable {
    /// The text between the brackets, exactly (not trimmed).
    var name: String
    /// The 1-based line of the header.
    var line: Int
    /// Options by lower-cased name.
    var entries: [String: INIEntry]
}

/// A parsed file: its sections in file order.
struct INIDocument: Sendable {
    /// Sections in the order they appear; the DEFAULT section is not one of them.
    var sections: [INISection] = []

    /// The section with exactly this name, if any.
    func section(named name: String) -> INISection? {
        sections.first { $0.name == name }
    }
}

/// Why a file could not be parsed, at which line. Never quotes the line (it may hold a secret).
struct INIParseError: Error, Sendable, Equatable {
    var line: Int
    var reason: String
}

enum INIParser {
    /// Parses the text of a shared config or credentials file.
    static func parse(_ text: String) throws(INIParseError) -> INIDocument {
        var builder = Builder()
        var lineNumber = 0
        for rawLine in splitLines(text) {
            lineNumber += 1
            try builder.consume(rawLine, line: lineNumber)
        }
        return try builder.finish()
    }

    /// Splits on `\r\n`, `\r` and `\n`, as Python's universal newlines do.
    static func splitLines(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            // "\r\n" is a single Character in Swift.
            if character == "\n" || character == "\r" || character == "\r\n" {
                lines.append(text[start..<index])
                index = text.index(after: index)
                start = index
            } else {
                index = text.index(after: index)
            }
        }
        if start < text.endIndex { lines.append(text[start..<text.endIndex]) }
        return lines
    }

    private struct RawOption {
        var name: String
        var line: Int
        /// The first line's value, then each continuation line (stripped), with its line number.
        var values: [(text: String, line: Int)]
    }

    private struct RawSection {
        var name: String
        var line: Int
        var options: [RawOption] = []
        var optionIndex: [String: Int] = [:]
    }

    private enum Target {
        case defaults
        case section(Int)
    }

    private struct Builder {
        var sections: [RawSection] = []
        var sectionIndex: [String: Int] = [:]
        var defaults = RawSection(name: "DEFAULT", line: 0)
        var target: Target?
        var currentOption: Int?
        var indentLevel = 0

        mutating func consume(_ rawLine: Substring, line: Int) throws(INIParseError) {
            let stripped = rawLine.trimmingWhitespace()
            if stripped.hasPrefix("#") || stripped.hasPrefix(";") { return }
            if stripped.isEmpty {
                // configparser keeps blank lines inside a multi-line value (trailing ones are trimmed at the end).
                if let currentOption { appendToOption(currentOption, text: "", line: line) }
                return
            }
            let indent = rawLine.prefix { $0.isWhitespace }.count
            if let currentOption, indent > indentLevel {
                appendToOption(currentOption, text: String(stripped), line: line)
                return
            }
            indentLevel = indent
            if let header = Self.sectionHeader(stripped) {
                try openSection(header, line: line)
                return
            }
            guard let target else {
                throw INIParseError(
                    line: line, reason: "a setting before any [section] header; start the file with a header such as [default]")
            }
            guard let delimiter = stripped.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw INIParseError(
                    line: line, reason: "expected \"name = value\", a [section] header, or a comment starting with # or ;")
            }
            let name = stripped[..<delimiter].trimmingWhitespace().lowercased()
            guard !name.isEmpty else {
                throw INIParseError(line: line, reason: "a setting with no name before '\(stripped[delimiter])'")
            }
            let value = String(stripped[stripped.index(after: delimiter)...].trimmingWhitespace())
            try addOption(RawOption(name: name, line: line, values: [(value, line)]), to: target)
        }

        /// configparser's `\[(?P<header>.+)\]` matched at the start: the text up to the last `]`.
        static func sectionHeader(_ text: Substring) -> String? {
            guard text.first == "[", let close = text.lastIndex(of: "]") else { return nil }
            let nameStart = text.index(after: text.startIndex)
            guard close > nameStart else { return nil }
            return String(text[nameStart..<close])
        }

        mutating func openSection(_ name: String, line: Int) throws(INIParseError) {
            currentOption = nil
            if name == "DEFAULT" {
                target = .defaults
                return
            }
            if let existing = sectionIndex[name] {
                throw INIParseError(
                    line: line,
                    reason: "section [\(name)] appears a second time (first on line \(sections[existing].line)); merge the two sections")
            }
            sectionIndex[name] = sections.count
            sections.append(RawSection(name: name, line: line))
            target = .section(sections.count - 1)
        }

        mutating func addOption(_ option: RawOption, to target: Target) throws(INIParseError) {
            var section: RawSection
            switch target {
            case .defaults: section = defaults
            case .section(let index): section = sections[index]
            }
            if let existing = section.optionIndex[option.name] {
                throw INIParseError(
                    line: option.line,
                    reason:
                        "\"\(option.name)\" is set a second time in [\(section.name)] (first on line \(section.options[existing].line)); "
                        + "keep one")
            }
            section.optionIndex[option.name] = section.options.count
            section.options.append(option)
            currentOption = section.options.count - 1
            switch target {
            case .defaults: defaults = section
            case .section(let index): sections[index] = section
            }
        }

        mutating func appendToOption(_ option: Int, text: String, line: Int) {
            switch target {
            case .defaults: defaults.options[option].values.append((text, line))
            case .section(let index): sections[index].options[option].values.append((text, line))
            case nil: break
            }
        }

        func finish() throws(INIParseError) -> INIDocument {
            let defaultEntries = try Self.entries(of: defaults)
            var document = INIDocument()
            for raw in sections {
                var entries = defaultEntries
                for (name, entry) in try Self.entries(of: raw) { entries[name] = entry }
                document.sections.append(INISection(name: raw.name, line: raw.line, entries: entries))
            }
            return document
        }

        static func entries(of section: RawSection) throws(INIParseError) -> [String: INIEntry] {
            var entries: [String: INIEntry] = [:]
            for option in section.options {
                entries[option.name] = INIEntry(value: try value(of: option), line: option.line)
            }
            return entries
        }

        /// Joins continuation lines as configparser does; a value whose first line is empty is a sub-section (botocore).
        static func value(of option: RawOption) throws(INIParseError) -> INIValue {
            let joined = option.values.map(\.text).joined(separator: "\n").trimmingTrailingWhitespace()
            guard joined.hasPrefix("\n") else { return .string(joined) }
            var subsection: [String: String] = [:]
            for (text, line) in option.values.dropFirst() where !text.isEmpty {
                guard let equals = text.firstIndex(of: "=") else {
                    throw INIParseError(
                        line: line,
                        reason: "expected \"name = value\" in the indented block under \"\(option.name)\" (line \(option.line))")
                }
                let key = String(text[..<equals].trimmingWhitespace())
                subsection[key] = String(text[text.index(after: equals)...].trimmingWhitespace())
            }
            return .subsection(subsection)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (Python's `str.strip()`).
    func trimmingWhitespace() -> SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return self[endIndex..<endIndex]
        }
        return self[first...last]
    }

    /// The text without trailing whitespace (Python's `str.rstrip()`).
    func trimmingTrailingWhitespace() -> String {
        guard let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[...last])
    }
}
