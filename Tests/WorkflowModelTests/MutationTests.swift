import StrictJSON
import Testing
import WorkflowModel

/// Random edits of the real workflows: the validator never crashes, is deterministic, and gives
/// a definition exactly when it reports nothing.
@Suite struct MutationTests {
    /// SplitMix64: a seeded generator, so a failure names the seed that reproduces it.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// Tokens that are likely to turn valid JSON into meaningful but wrong workflows.
    static let tokens: [String] = [
        "\"${item}\"", "\"${output.x}\"", "\"${steps.primary.output.nope}\"", "\"NONE\"", "\"0s\"", "[]", "{}", "null",
        "\"after\": [\"replicas\"], ", "\"timer\": \"1m\", ", "\"forEach\": \"${input.identifier}\", ", "-1", "1e400",
        "\"${\"", "\"$${x}\"", "\"rollback\"",
    ]

    /// Replaces a random span of the text with a token, or deletes it.
    func mutate(_ text: [UInt8], _ generator: inout Generator) -> [UInt8] {
        var bytes = text
        for _ in 0...generator.below(3) {
            let start = generator.below(bytes.count)
            let length = min(generator.below(12), bytes.count - start)
            let replacement = generator.below(4) == 0 ? [] : Array(Self.tokens[generator.below(Self.tokens.count)].utf8)
            bytes.replaceSubrange(start..<(start + length), with: replacement)
        }
        return bytes
    }

    @Test(arguments: RealWorkflowTests.names)
    func mutatedFilesNeverCrash(name: String) throws {
        let original = try repositoryFile("Workflows/\(name).json")
        var generator = Generator(state: 0xCA1F_0000 &+ UInt64(original.count))
        var rejected = 0
        for round in 0..<400 {
            let bytes = mutate(original, &generator)
            let outcome = WorkflowValidator.validate(fileBytes: bytes)
            #expect((outcome.definition == nil) == !outcome.diagnostics.isEmpty, "round \(round)")
            #expect(WorkflowValidator.validate(fileBytes: bytes).diagnostics == outcome.diagnostics, "round \(round)")
            #expect(outcome.diagnostics.allSatisfy { !$0.message.isEmpty && !$0.code.description.isEmpty })
            if !outcome.diagnostics.isEmpty { rejected += 1 }
        }
        #expect(rejected > 200)
    }

    /// Values that exercise the meaning checks once the JSON is well-formed.
    static let values: [JSONValue] = [
        "${item}", "${index}", "${output.arn}", "${steps.primary.output.nope}", "${steps.replicas.output[0].arn}",
        "${input.nope}", "NONE", "0s", "1h", "-", "rollback", "rds.deleteInstance", "sleep", .array([]),
        .object(JSONObject()), .null, 0, -1, 2.5, true, ["primary"], ["replicas", "replicas"],
        ["secretRef": "env:X"], ["equals": ["${input.identifier}", "x"]], ["all": []],
    ]

    /// Every pointer in `value`, outermost first.
    func pointers(_ value: JSONValue, _ pointer: JSONPointer = .root) -> [JSONPointer] {
        switch value {
        case .array(let elements):
            [pointer] + elements.indices.flatMap { pointers(elements[$0], pointer.appending($0)) }
        case .object(let object):
            [pointer] + object.members.flatMap { pointers($0.value, pointer.appending($0.key)) }
        default:
            [pointer]
        }
    }

    /// `value` with the member or element at `pointer` replaced (or, with nil, removed).
    func replacing(_ pointer: ArraySlice<String>, in value: JSONValue, with new: JSONValue?) -> JSONValue? {
        guard let token = pointer.first else { return new }
        switch value {
        case .object(var object):
            object[token] = object[token].flatMap { replacing(pointer.dropFirst(), in: $0, with: new) }
            return .object(object)
        case .array(var elements):
            guard let index = Int(token), elements.indices.contains(index) else { return value }
            if let element = replacing(pointer.dropFirst(), in: elements[index], with: new) {
                elements[index] = element
            } else {
                elements.remove(at: index)
            }
            return .array(elements)
        default:
            return value
        }
    }

    @Test(arguments: RealWorkflowTests.names)
    func structuralEditsNeverCrash(name: String) throws {
        let original = try JSONParser.parse(try repositoryFile("Workflows/\(name).json")).root
        let places = pointers(original).filter { !$0.tokens.isEmpty }
        var generator = Generator(state: 0x5EED &+ UInt64(places.count))
        var codes = Set<String>()
        for round in 0..<150 {
            var edited = original
            for _ in 0...generator.below(2) {
                let place = places[generator.below(places.count)]
                let new = generator.below(5) == 0 ? nil : Self.values[generator.below(Self.values.count)]
                edited = replacing(place.tokens[...], in: edited, with: new) ?? edited
            }
            let fromJSON = WorkflowValidator.validate(json: edited)
            let fromFile = WorkflowValidator.validate(fileBytes: edited.canonicalBytes())
            #expect((fromJSON.definition == nil) == !fromJSON.diagnostics.isEmpty, "round \(round)")
            #expect(Set(fromJSON.diagnostics.map(\.code)) == Set(fromFile.diagnostics.map(\.code)), "round \(round)")
            codes.formUnion(fromJSON.diagnostics.map(\.code.description))
        }
        #expect(codes.count >= 6, "\(codes.sorted())")
    }
}
