import Foundation
import StrictJSON
import Testing
import WorkflowModel

/// One broken file per diagnostic code: each must be reported with exactly that code, at that place.
struct BrokenCase: CustomTestStringConvertible, Sendable {
    var code: String
    var text: String
    var pointer: String
    var line: Int?
    var column: Int?
    /// Words the message must contain (what is wrong and what to do).
    var mentions: [String] = []

    var testDescription: String { code }
}

let createStep = """
    { "id": "a", "activity": "rds.createInstance", "input": { "region": "us-east-1", "identifier": "db", "engine": "postgres", "instanceClass": "db.t4g.micro"INPUT } }
    """

func createStep(_ extraInput: String) -> String {
    createStep.replacingOccurrences(of: "INPUT", with: extraInput)
}

let brokenCases: [BrokenCase] = [
    BrokenCase(
        code: "workflow.unsupportedFormat",
        text: workflow([waitStep("a")]).replacingOccurrences(of: "cairn.workflow/v1", with: "cairn.workflow/v2"),
        pointer: "/format", line: 2, column: 13, mentions: ["cairn.workflow/v1"]),
    BrokenCase(
        code: "workflow.unknownField", text: workflow([waitStep("a", "\"forEch\": \"${input.ids}\"")]),
        pointer: "/steps/0/forEch", line: 6, mentions: ["did you mean \"forEach\"?", "Known fields:"]),
    BrokenCase(
        code: "workflow.missingField",
        text: workflow([waitStep("a")]).replacingOccurrences(of: "  \"name\": \"test\",\n", with: ""),
        pointer: "", line: 1, column: 1, mentions: ["\"name\""]),
    BrokenCase(
        code: "workflow.wrongType", text: workflow([waitStep("a")], extra: ["\"onFailure\": \"rolback\""]),
        pointer: "/onFailure", line: 5, column: 16, mentions: ["did you mean \"rollback\"?"]),
    BrokenCase(
        code: "workflow.invalidName", text: workflow([waitStep("1st")]), pointer: "/steps/0/id", line: 6, column: 13),
    BrokenCase(
        code: "workflow.duplicateStepId", text: workflow([waitStep("a"), waitStep("a")]),
        pointer: "/steps/1/id", line: 7, column: 13, mentions: ["line 6"]),
    BrokenCase(
        code: "workflow.tooManySteps",
        text: workflow((0...Limits.stepsMax).map { "{ \"id\": \"t\($0)\", \"timer\": \"1s\" }" }),
        pointer: "/steps", line: 5, column: 12, mentions: ["\(Limits.stepsMax)"]),
    BrokenCase(
        code: "workflow.unknownActivityType",
        text: workflow([waitStep("a").replacingOccurrences(of: "rds.waitAvailable", with: "rds.waitAvailabel")]),
        pointer: "/steps/0/activity", line: 6, column: 30, mentions: ["did you mean \"rds.waitAvailable\"?"]),
    BrokenCase(
        code: "workflow.activityOrTimer", text: workflow(["{ \"id\": \"a\" }"]), pointer: "/steps/0", line: 6,
        column: 5, mentions: ["\"activity\"", "\"timer\""]),
    BrokenCase(
        code: "workflow.invalidTemplate",
        text: workflow([waitStep("a", input: "\"region\": \"${input.region\", \"identifier\": \"db\"")]),
        pointer: "/steps/0/input/region", line: 6, column: 72, mentions: ["$${"]),
    BrokenCase(
        code: "workflow.unknownInput",
        text: workflow([waitStep("a", input: "\"region\": \"${input.regoin}\", \"identifier\": \"db\"")]),
        pointer: "/steps/0/input/region", line: 6, mentions: ["did you mean \"region\"?", "inputs"]),
    BrokenCase(
        code: "workflow.unknownStep", text: workflow([waitStep("a"), waitStep("b", "\"after\": [\"c\"]")]),
        pointer: "/steps/1/after/0", line: 7),
    BrokenCase(
        code: "workflow.stepNotBefore",
        text: workflow([
            waitStep("a", input: "\"region\": \"us-east-1\", \"identifier\": \"${steps.b.output.identifier}\""),
            waitStep("b"),
        ]),
        pointer: "/steps/0/input/identifier", line: 6, mentions: ["add \"after\": [\"b\"] or move the step"]),
    BrokenCase(
        code: "workflow.selfReference",
        text: workflow([waitStep("a", input: "\"region\": \"us-east-1\", \"identifier\": \"${steps.a.output.identifier}\"")]),
        pointer: "/steps/0/input/identifier", line: 6),
    BrokenCase(
        code: "workflow.itemOutsideForEach",
        text: workflow([waitStep("a", input: "\"region\": \"us-east-1\", \"identifier\": \"${item}\"")]),
        pointer: "/steps/0/input/identifier", line: 6, mentions: ["forEach"]),
    BrokenCase(
        code: "workflow.outputOutsideCompensation",
        text: workflow([waitStep("a", input: "\"region\": \"us-east-1\", \"identifier\": \"${output.identifier}\"")]),
        pointer: "/steps/0/input/identifier", line: 6),
    BrokenCase(
        code: "workflow.unknownOutputField",
        text: workflow([waitStep("a"), waitStep("b", input: "\"region\": \"us-east-1\", \"identifier\": \"${steps.a.output.endpont}\"")]),
        pointer: "/steps/1/input/identifier", line: 7, mentions: ["did you mean \"endpoint\"?"]),
    BrokenCase(
        code: "workflow.dependencyCycle",
        text: workflow([waitStep("a", "\"after\": [\"b\"]"), waitStep("b")]),
        pointer: "/steps/0/after", line: 6, mentions: ["a → b → a"]),
    BrokenCase(
        code: "workflow.invalidDuration", text: workflow(["{ \"id\": \"t\", \"timer\": \"5 minutes\" }"]),
        pointer: "/steps/0/timer", line: 6, column: 27, mentions: ["\"30s\""]),
    BrokenCase(
        code: "workflow.retryContradiction",
        text: workflow([waitStep("a", "\"retry\": { \"initialInterval\": \"10s\", \"maximumInterval\": \"1s\" }")]),
        pointer: "/steps/0/retry/maximumInterval", line: 6),
    BrokenCase(
        code: "workflow.timeoutContradiction", text: workflow([waitStep("a", "\"timeouts\": { \"heartbeat\": \"3h\" }")]),
        pointer: "/steps/0/timeouts/heartbeat", line: 6, mentions: ["heartbeat 3h (set by the step)", "startToClose 2h"]),
    BrokenCase(
        code: "workflow.unboundedActivity",
        text: workflow([
            "{ \"id\": \"s\", \"activity\": \"sleep\", \"input\": { \"duration\": \"1m\" }, \"timeouts\": { \"startToClose\": \"NONE\", \"heartbeat\": \"NONE\" } }"
        ]),
        pointer: "/steps/0/timeouts/startToClose", line: 6),
    BrokenCase(
        code: "workflow.invalidInputSpec",
        text: workflow([waitStep("a")]).replacingOccurrences(
            of: "\"type\": \"string\", \"default\"", with: "\"type\": \"string\", \"required\": true, \"default\""),
        pointer: "/inputs/region/required", line: 4, mentions: ["remove \"default\" or \"required\""]),
    BrokenCase(
        code: "workflow.invalidConcurrency", text: workflow([waitStep("a", "\"concurrency\": 2")]),
        pointer: "/steps/0/concurrency", line: 6),
    BrokenCase(
        code: "workflow.forEachOnTimer",
        text: workflow(["{ \"id\": \"t\", \"timer\": \"5m\", \"forEach\": \"${input.ids}\" }"]),
        pointer: "/steps/0/forEach", line: 6, column: 33),
    BrokenCase(
        code: "workflow.invalidCondition", text: workflow([waitStep("a", "\"when\": { \"equals\": [\"x\"] }")]),
        pointer: "/steps/0/when/equals", line: 6),
    BrokenCase(
        code: "activity.unknownInputField",
        text: workflow([waitStep("a", input: "\"regoin\": \"us-east-1\", \"region\": \"us-east-1\", \"identifier\": \"db\"")]),
        pointer: "/steps/0/input/regoin", line: 6, column: 62, mentions: ["did you mean \"region\"?"]),
    BrokenCase(
        code: "activity.missingInputField", text: workflow([waitStep("a", input: "\"region\": \"us-east-1\"")]),
        pointer: "/steps/0/input", line: 6, column: 60, mentions: ["\"identifier\""]),
    BrokenCase(
        code: "activity.wrongInputType", text: workflow([createStep(", \"multiAZ\": \"yes\"")]),
        pointer: "/steps/0/input/multiAZ", line: 6, mentions: ["boolean"]),
    BrokenCase(
        code: "activity.secretLiteral", text: workflow([createStep(", \"masterUserPassword\": \"hunter2\"")]),
        pointer: "/steps/0/input/masterUserPassword", line: 6,
        mentions: ["passwords never go in workflow files; reference them"]),
]

@Suite struct BrokenWorkflowTests {
    @Test(arguments: brokenCases)
    func reportsExactlyOneDiagnostic(_ broken: BrokenCase) throws {
        let outcome = validate(broken.text)
        #expect(outcome.definition == nil)
        try #require(outcome.diagnostics.count == 1, "\(outcome.diagnostics.map(\.description))")
        let diagnostic = outcome.diagnostics[0]
        #expect(diagnostic.code.description == broken.code)
        #expect(diagnostic.pointer == broken.pointer)
        if let line = broken.line { #expect(diagnostic.line == line, "\(diagnostic)") }
        if let column = broken.column { #expect(diagnostic.column == column, "\(diagnostic)") }
        for phrase in broken.mentions { #expect(diagnostic.message.contains(phrase), "\(diagnostic.message)") }
    }

    @Test func everyCodeHasACase() {
        let covered = Set(brokenCases.map(\.code))
        let exempt: Set = ["workflow.tooLarge"]  // needs a file over the size limit; see JSONLevelTests
        let all = Set(Diagnostic.Code.all.map(\.description).filter { !$0.hasPrefix("input.") }).subtracting(exempt)
        #expect(all.subtracting(covered) == [])
    }
}
