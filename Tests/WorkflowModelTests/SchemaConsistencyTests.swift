import StrictJSON
import Testing
import WorkflowModel

/// docs/workflow.schema.json must accept exactly the fields the validator accepts, so editors
/// and `cairn validate` agree.
@Suite struct SchemaConsistencyTests {
    let schema: JSONValue

    init() throws {
        schema = try JSONParser.parse(try repositoryFile("docs/workflow.schema.json")).root
    }

    func definition(_ name: String) throws -> JSONValue {
        try #require(schema["$defs"]?[name], "missing $defs/\(name)")
    }

    func propertyNames(_ value: JSONValue?) -> Set<String> {
        Set(value?["properties"]?.objectValue?.keys ?? [])
    }

    @Test func objectLevelsDeclareExactlyTheValidatorsFields() throws {
        #expect(propertyNames(schema) == Set(WorkflowFields.topLevel))
        #expect(propertyNames(try definition("inputSpec")) == Set(WorkflowFields.inputSpec))
        #expect(propertyNames(try definition("defaults")) == Set(WorkflowFields.defaults))
        #expect(propertyNames(try definition("step")) == Set(WorkflowFields.step))
        #expect(propertyNames(try definition("retry")) == Set(WorkflowFields.retry))
        #expect(propertyNames(try definition("timeouts")) == Set(WorkflowFields.timeouts))
        #expect(propertyNames(try definition("compensation")) == Set(WorkflowFields.compensation))
        #expect(propertyNames(try definition("condition")["oneOf"]?[1]) == Set(WorkflowFields.condition))
    }

    @Test func activityTypesAndTheirInputFieldsMatchTheCatalog() throws {
        let catalog = ActivityCatalog.builtIn
        let names = catalog.types.map { JSONValue.string($0.name) }
        #expect(try definition("step")["properties"]?["activity"]?["enum"] == .array(names))
        #expect(try definition("compensation")["properties"]?["activity"]?["enum"] == .array(names))
        for spec in catalog.types {
            let input = try definition("input.\(spec.name)")
            #expect(propertyNames(input) == Set(spec.fields.map(\.name)), "\(spec.name)")
            let required = spec.fields.filter(\.isRequired).map { JSONValue.string($0.name) }
            #expect((input["required"] ?? .array([])) == .array(required), "\(spec.name)")
            #expect((input["additionalProperties"] == .bool(false)) == !spec.acceptsOtherFields, "\(spec.name)")
        }
        for owner in ["step", "compensation"] {
            let conditions = try definition(owner)["allOf"]?.arrayValue ?? []
            let covered = conditions.compactMap { $0["if"]?["properties"]?["activity"]?["const"]?.stringValue }
            #expect(covered == catalog.types.map(\.name), "\(owner)")
        }
    }

    @Test func everyObjectTypeIsClosed() {
        var open: [String] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let object):
                let freeForm =
                    path.hasPrefix("/$defs/input.")
                    && ActivityCatalog.builtIn.spec(String(path.dropFirst("/$defs/input.".count)))?.acceptsOtherFields == true
                if object["type"] == "object", object["properties"] != nil, object["additionalProperties"] != .bool(false), !freeForm {
                    open.append(path)
                }
                for member in object { walk(member.value, "\(path)/\(member.key)") }
            case .array(let elements):
                for (index, element) in elements.enumerated() { walk(element, "\(path)/\(index)") }
            default:
                break
            }
        }
        walk(schema, "")
        // Subschemas without "type": "object" (if/then, not) constrain an object declared elsewhere.
        #expect(open == [])
    }
}
