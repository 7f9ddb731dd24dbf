import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element of an AWS XML response: a name, its text, and its children in document order.
///
/// AWS Query responses use a default namespace and no attributes Cairn reads, so names are the bare
/// local names and attributes are dropped. Text is trimmed: AWS pretty-prints with indentation,
/// moto sends one line, and whitespace-only text is never a value.
public struct XMLResponseElement: Sendable, Hashable {
    /// The element's local name, e.g. `DBInstanceIdentifier`.
    public var name: String
    /// The element's own text with surrounding whitespace trimmed.
    public var text: String
    /// Child elements in document order.
    public var children: [XMLResponseElement]

    /// Makes an element.
    public init(name: String, text: String = "", children: [XMLResponseElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    public func child(_ name: String) -> XMLResponseElement? {
        children.first { $0.name == name }
    }

    /// The element at a path of child names, e.g. `["Endpoint", "Address"]`.
    public func descendant(_ path: [String]) -> XMLResponseElement? {
        var current = self
        for name in path {
            guard let next = current.child(name) else { return nil }
            current = next
        }
        return current
    }

    /// The text at `path`, or nil when the element is absent.
    public func string(_ path: String...) -> String? {
        descendant(path)?.text
    }

    /// The integer at `path`, or nil when absent or not an integer.
    public func int(_ path: String...) -> Int? {
        descendant(path).flatMap { Int($0.text) }
    }

    /// The boolean at `path` (`true`/`false`), or nil when absent or neither.
    public func bool(_ path: String...) -> Bool? {
        switch descendant(path)?.text {
        case "true"?: true
        case "false"?: false
        default: nil
        }
    }

    /// Parses a whole document.
    /// - Returns: the root element, or nil when the bytes are not well-formed XML (an HTML error
    ///   page, a truncated body).
    public static func parse(_ bytes: [UInt8]) -> XMLResponseElement? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }
}

/// Builds the tree from XMLParser's callbacks. Used by one parse on one thread only.
private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var stack: [(name: String, text: String, children: [XMLResponseElement])] = []
    var root: XMLResponseElement?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        // A prefixed name (`ns:Code`) keeps only its local part.
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append((local, "", []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        // Called several times per element for long or entity-bearing text: accumulate.
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
    ) {
        guard let top = stack.popLast() else { return }
        let element = XMLResponseElement(
            name: top.name, text: top.text.trimmingCharacters(in: .whitespacesAndNewlines), children: top.children)
        if stack.isEmpty {
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }
}
