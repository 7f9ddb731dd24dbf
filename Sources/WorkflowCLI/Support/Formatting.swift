import Time

/// `1h02m`, `3m07s`, `12s`, `450ms`: short and fixed-width enough for progress lines.
func shortDuration(_ interval: Interval) -> String {
    let milliseconds = max(0, interval.milliseconds)
    if milliseconds < 1000 { return "\(milliseconds)ms" }
    let seconds = milliseconds / 1000
    if seconds < 60 { return "\(seconds)s" }
    let minutes = seconds / 60
    if minutes < 60 { return "\(minutes)m" + pad2(seconds % 60) + "s" }
    let hours = minutes / 60
    if hours < 48 { return "\(hours)h" + pad2(minutes % 60) + "m" }
    return "\(hours / 24)d" + pad2(hours % 24) + "h"
}

private func pad2(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// `HH:MM:SS` of a timestamp, UTC.
func clockTime(_ timestamp: Timestamp) -> String {
    let iso = timestamp.iso8601
    let start = iso.index(iso.startIndex, offsetBy: 11)
    return String(iso[start..<iso.index(start, offsetBy: 8)])
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
func table(_ rows: [[String]]) -> [String] {
    guard let columns = rows.map(\.count).max() else { return [] }
    var widths = Array(repeating: 0, count: columns)
    for row in rows {
        for (index, cell) in row.enumerated() where index < columns - 1 { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
        row.enumerated().map { index, cell in
            index < row.count - 1 ? cell + String(repeating: " ", count: widths[index] - cell.count) : cell
        }.joined(separator: "  ").trimmingTrailingSpaces()
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// `text` in double quotes, safe to print: quotes and backslashes are escaped, and control and
/// non-ASCII characters are written as `\u{…}`, so a look-alike letter (Cyrillic `о` for `o`) shows
/// up; at most `limit` characters are kept.
func quoted(_ text: String, limit: Int = 64) -> String {
    var body = ""
    for (index, scalar) in text.unicodeScalars.enumerated() {
        if index == limit {
            body += "…"
            break
        }
        switch scalar.value {
        case 0x22: body += "\\\""
        case 0x5C: body += "\\\\"
        case 0x20...0x7E: body.unicodeScalars.append(scalar)
        default: body += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }
    return "\"" + body + "\""
}
