import StrictJSON
import Testing
import WorkflowModel

@Suite struct InputBinderTests {
    let specs = [
        InputSpec(name: "identifier", type: .string, isRequired: true),
        InputSpec(name: "regions", type: .array, itemType: .string, defaultValue: ["eu-west-1"]),
        InputSpec(name: "multiAZ", type: .boolean, defaultValue: false),
        InputSpec(name: "storage", type: .integer),
        InputSpec(name: "password", type: .secretRef),
    ]

    func bind(_ provided: [(String, String)], file: JSONObject? = nil) -> Result<JSONObject, Diagnostics> {
        InputBinder.bind(specs: specs, provided: provided.map { (name: $0.0, text: $0.1) }, file: file)
    }

    func codes(_ result: Result<JSONObject, Diagnostics>) -> [String] {
        guard case .failure(let diagnostics) = result else { return [] }
        return diagnostics.map(\.code.description)
    }

    func messages(_ result: Result<JSONObject, Diagnostics>) -> String {
        guard case .failure(let diagnostics) = result else { return "" }
        return diagnostics.description
    }

    @Test func stringsAreLiteralOthersAreJSONInDeclarationOrder() throws {
        let bound = try bind([
            ("password", "env:DB_PASSWORD"), ("storage", "100"), ("multiAZ", "true"),
            ("regions", "[\"ap-southeast-2\",\"us-west-2\"]"), ("identifier", "123"),
        ]).get()
        #expect(bound.keys == ["identifier", "regions", "multiAZ", "storage", "password"])
        #expect(bound["identifier"] == "123")
        #expect(bound["regions"] == ["ap-southeast-2", "us-west-2"])
        #expect(bound["multiAZ"] == true)
        #expect(bound["storage"] == 100)
        #expect(bound["password"] == ["secretRef": "env:DB_PASSWORD"])
    }

    @Test func defaultsApplyAndOptionalInputsWithoutDefaultAreNull() throws {
        let bound = try bind([("identifier", "orders")]).get()
        #expect(bound["regions"] == ["eu-west-1"])
        #expect(bound["multiAZ"] == false)
        #expect(bound["storage"] == .null)
        #expect(bound.count == specs.count)
    }

    @Test func fileValuesAreUsedAndInputOverridesThem() throws {
        let file = JSONObject([("identifier", "from-file"), ("storage", 20), ("multiAZ", true)])
        let bound = try bind([("identifier", "from-argument")], file: file).get()
        #expect(bound["identifier"] == "from-argument")
        #expect(bound["storage"] == 20)
        #expect(bound["multiAZ"] == true)
    }

    @Test func errorCodes() {
        #expect(codes(bind([])) == ["input.missing"])
        #expect(codes(bind([("identifier", "a"), ("identifer", "b")])) == ["input.unknown"])
        #expect(messages(bind([("identifier", "a"), ("identifer", "b")])).contains("did you mean \"identifier\"?"))
        #expect(codes(bind([("identifier", "a")], file: JSONObject([("colour", "blue")]))) == ["input.unknown"])
        #expect(codes(bind([("identifier", "a"), ("multiAZ", "3")])) == ["input.wrongType"])
        #expect(codes(bind([("identifier", "a"), ("regions", "[1]")])) == ["input.wrongType"])
        #expect(codes(bind([("identifier", "a"), ("storage", "2.5")])) == ["input.wrongType"])
        #expect(codes(bind([("identifier", "a")], file: JSONObject([("storage", "20")]))) == ["input.wrongType"])
        #expect(codes(bind([("identifier", "a"), ("multiAZ", "yes")])) == ["input.invalidJSON"])
        #expect(messages(bind([("identifier", "a"), ("multiAZ", "yes")])).contains("--input multiAZ"))
        #expect(codes(bind([("identifier", "a"), ("identifier", "b")])) == ["input.duplicate"])
        let huge = String(repeating: "x", count: Limits.payloadBytesMax)
        #expect(codes(bind([("identifier", huge)])) == ["input.tooLarge"])
    }

    @Test func everyProblemAtOnce() {
        #expect(
            codes(bind([("multiAZ", "yes"), ("colour", "red"), ("storage", "true")])) == [
                "input.invalidJSON", "input.unknown", "input.missing", "input.wrongType",
            ])
    }

    @Test func secretValuesAreNeverEchoed() {
        let result = bind([("identifier", "a"), ("password", "hunter2")])
        #expect(codes(result) == ["input.invalidJSON"])
        #expect(!messages(result).contains("hunter2"))
        let literal = bind([("identifier", "a")], file: JSONObject([("password", "hunter2")]))
        #expect(codes(literal) == ["input.wrongType"])
        #expect(!messages(literal).contains("hunter2"))
    }

    @Test func splitting() throws {
        let (name, text) = try InputBinder.split("regions=[\"a=b\"]").get()
        #expect(name == "regions" && text == "[\"a=b\"]")
        #expect(try InputBinder.split("empty=").get().text == "")
        for bad in ["novalue", "=value"] {
            guard case .failure(let diagnostic) = InputBinder.split(bad) else {
                Issue.record("\(bad) should not split")
                continue
            }
            #expect(diagnostic.code == Diagnostic.Code.Input.malformed)
        }
    }

}
