/// A coding path kept as a linked list, so descending into a value costs one small allocation
/// instead of copying an array of keys; the array is built only when someone asks for it (an
/// error, or a type reading `codingPath`).
indirect enum CodingPath {
    case root
    case key(any CodingKey, CodingPath)

    /// This path extended by `key`.
    func appending(_ key: any CodingKey) -> CodingPath { .key(key, self) }

    /// This path extended by the position `index` of an array.
    func appending(index: Int) -> CodingPath { .key(IndexKey(index), self) }

    /// The keys from the root down.
    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node = self
        while case .key(let key, let parent) = node {
            keys.append(key)
            node = parent
        }
        return keys.reversed()
    }
}

/// The key of an array element in a coding path: `Index 3`, as Foundation's coders spell it.
struct IndexKey: CodingKey {
    /// The element's position.
    let index: Int

    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }

    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
}

/// The key `super`, used by `superDecoder()` and `superEncoder()`.
struct SuperKey: CodingKey {
    init() {}
    init?(stringValue: String) { guard stringValue == "super" else { return nil } }
    init?(intValue: Int) { nil }

    var stringValue: String { "super" }
    var intValue: Int? { nil }
}
