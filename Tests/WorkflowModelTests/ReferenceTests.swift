import Testing
import WorkflowModel

/// Which roots a template may read, where.
@Suite struct ReferenceTests {
    let loop = """
        { "id": "r", "activity": "rds.createReadReplica", "forEach": "${input.ids}", "input": { "region": "${item}", "identifier": "x-${index}", "sourceArn": "arn" }COMPENSATION }
        """

    func loopStep(compensation: String = "") -> String {
        loop.replacing("COMPENSATION", with: compensation.isEmpty ? "" : ", " + compensation)
    }

    @Test func itemAndOutputInsideACompensationOfAForEachStep() {
        let compensation = """
            "compensation": { "activity": "rds.deleteInstance", "input": { "region": "${item}", "identifier": "${output.identifier}", "skipFinalSnapshot": true } }
            """
        #expect(validate(workflow([loopStep(compensation: compensation)])).diagnostics == [])
    }

    @Test func itemInWhenOrForEachOrOutput() {
        let when = loopStep().replacing("\"forEach\"", with: "\"when\": \"${item.ready}\", \"forEach\"")
        #expect(summary(validate(workflow([when]))) == ["workflow.itemOutsideForEach@/steps/0/when"])
        let forEach = loopStep().replacing("${input.ids}", with: "${item}")
        #expect(summary(validate(workflow([forEach]))) == ["workflow.itemOutsideForEach@/steps/0/forEach"])
        #expect(
            summary(validate(workflow([waitStep("a")], output: "\"${index}\""))) == [
                "workflow.itemOutsideForEach@/output"
            ])
    }

    @Test func forEachOutputIsAnArray() {
        func reader(_ path: String) -> String {
            waitStep("w", input: "\"region\": \"us-east-1\", \"identifier\": \"${steps.r.output\(path)}\"")
        }
        #expect(validate(workflow([loopStep(), reader("[0].identifier")])).diagnostics == [])
        #expect(
            summary(validate(workflow([loopStep(), reader(".identifier")]))) == [
                "workflow.unknownOutputField@/steps/1/input/identifier"
            ])
        #expect(
            summary(validate(workflow([loopStep(), reader("[0].identifer")]))) == [
                "workflow.unknownOutputField@/steps/1/input/identifier"
            ])
    }

    @Test func timerOutputHasNoMembers() {
        let outcome = validate(workflow(["{ \"id\": \"t\", \"timer\": \"1m\" }"], output: "\"${steps.t.output.at}\""))
        #expect(summary(outcome) == ["workflow.unknownOutputField@/output"])
    }

    @Test func freeFormOutputsAcceptAnyPath() {
        let exec = "{ \"id\": \"e\", \"activity\": \"exec\", \"input\": { \"command\": [\"true\"] } }"
        #expect(validate(workflow([exec], output: "\"${steps.e.output.anything[3].deep}\"")).diagnostics == [])
    }

    @Test func outputMayReadAnyStepAndExecution() {
        let outcome = validate(
            workflow(
                [waitStep("a"), waitStep("b", "\"after\": []")],
                output: "{ \"a\": \"${steps.a.output.arn}\", \"b\": \"${steps.b.output}\", \"id\": \"${execution.id}\" }"))
        #expect(outcome.diagnostics == [])
    }

    @Test func parallelStepsCannotReadEachOther() {
        let reader = waitStep("b", "\"after\": []", input: "\"region\": \"us-east-1\", \"identifier\": \"${steps.a.output.identifier}\"")
        #expect(summary(validate(workflow([waitStep("a"), reader]))) == ["workflow.stepNotBefore@/steps/1/input/identifier"])
    }

    @Test func conditionsAreParsedAndChecked() throws {
        let when = """
            "when": { "all": [ "${input.flag}", { "not": { "equals": ["${input.region}", "us-east-1"] } }, { "any": [ { "notEquals": [1, 2] } ] } ] }
            """
        let text = workflow([waitStep("a", when)]).replacing(
            "\"ids\":", with: "\"flag\": { \"type\": \"boolean\", \"default\": true }, \"ids\":")
        let definition = try #require(validate(text).definition)
        guard case .all(let parts)? = definition.steps[0].when else { Issue.record("all"); return }
        #expect(parts.count == 3)

        #expect(
            summary(validate(workflow([waitStep("a", "\"when\": \"is ${input.region}\"")]))) == [
                "workflow.invalidCondition@/steps/0/when"
            ])
        #expect(
            summary(validate(workflow([waitStep("a", "\"when\": { \"all\": [] }")]))) == [
                "workflow.invalidCondition@/steps/0/when/all"
            ])
        #expect(
            summary(validate(workflow([waitStep("a", "\"when\": { \"not\": true, \"all\": [\"${input.region}\"] }")]))) == [
                "workflow.invalidCondition@/steps/0/when"
            ])
        #expect(
            summary(validate(workflow([waitStep("a", "\"when\": { \"equal\": [1, 1] }")]))) == [
                "workflow.unknownField@/steps/0/when/equal"
            ])
    }

    @Test func forEachMustBeOneExpression() {
        let interpolated = loopStep().replacing("\"${input.ids}\"", with: "\"regions-${input.ids}\"")
        #expect(summary(validate(workflow([interpolated]))) == ["workflow.invalidTemplate@/steps/0/forEach"])
        let number = loopStep().replacing("\"${input.ids}\"", with: "3")
        #expect(summary(validate(workflow([number]))) == ["workflow.wrongType@/steps/0/forEach"])
    }

    @Test func concurrency() throws {
        let limited = loopStep().replacing("\"forEach\"", with: "\"concurrency\": 2, \"forEach\"")
        #expect(try #require(validate(workflow([limited])).definition).steps[0].concurrency == 2)
        let zero = loopStep().replacing("\"forEach\"", with: "\"concurrency\": 0, \"forEach\"")
        #expect(summary(validate(workflow([zero]))) == ["workflow.invalidConcurrency@/steps/0/concurrency"])
        let text = loopStep().replacing("\"forEach\"", with: "\"concurrency\": \"2\", \"forEach\"")
        #expect(summary(validate(workflow([text]))) == ["workflow.wrongType@/steps/0/concurrency"])
    }

    @Test func timerStepsTakeNoActivityFields() {
        let outcome = validate(workflow(["{ \"id\": \"t\", \"timer\": \"1m\", \"input\": {}, \"taskList\": \"rds\" }"]))
        #expect(summary(outcome) == ["workflow.activityOrTimer@/steps/0/input", "workflow.activityOrTimer@/steps/0/taskList"])
        let both = validate(workflow(["{ \"id\": \"t\", \"timer\": \"1m\", \"activity\": \"noop\" }"]))
        #expect(summary(both) == ["workflow.activityOrTimer@/steps/0/timer"])
    }
}

/// Secrets: references only, never values.
@Suite struct SecretTests {
    let create =
        "{ \"id\": \"a\", \"activity\": \"rds.createInstance\", \"input\": { \"region\": \"r\", \"identifier\": \"i\", \"engine\": \"postgres\", \"instanceClass\": \"c\", \"masterUserPassword\": VALUE } }"

    func password(_ value: String, inputType: String = "secretRef") -> ValidationOutcome {
        let text = workflow([create.replacing("VALUE", with: value)]).replacing(
            "\"ids\":", with: "\"pw\": { \"type\": \"\(inputType)\" }, \"ids\":")
        return validate(text)
    }

    @Test(arguments: [
        "{ \"secretRef\": \"env:DB_PASSWORD\" }", "{ \"secretRef\": \"file:/run/secrets/db\" }",
        "{ \"secretRef\": \"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf\" }",
        "\"${input.pw}\"", "{ \"secretRef\": \"env:${input.pw}\" }",
    ])
    func referencesAreAccepted(value: String) {
        #expect(password(value).diagnostics == [])
    }

    @Test(arguments: [
        "\"hunter2\"", "{ \"secretRef\": \"hunter2\" }", "{ \"secretRef\": \"env:A\", \"value\": \"x\" }", "42",
        "\"pw-${input.pw}\"",
    ])
    func literalsAreRejectedWithoutQuotingThem(value: String) throws {
        let outcome = password(value)
        try #require(outcome.diagnostics.count == 1)
        #expect(outcome.diagnostics[0].code == Diagnostic.Code.Activity.secretLiteral)
        #expect(!outcome.diagnostics[0].message.contains("hunter2"))
    }

    @Test func expressionOfAPlainStringInputIsRejected() {
        let outcome = password("\"${input.pw}\"", inputType: "string")
        #expect(summary(outcome) == ["activity.secretLiteral@/steps/0/input/masterUserPassword"])
        #expect(outcome.diagnostics[0].message.contains("\"type\": \"secretRef\""))
    }

    @Test func secretSoundingFieldsOfFreeFormActivities() {
        let noop =
            "{ \"id\": \"n\", \"activity\": \"noop\", \"input\": { \"dbPassword\": \"hunter2\", \"apiSecret\": \"${input.region}\", \"note\": \"x\" } }"
        #expect(summary(validate(workflow([noop]))) == ["activity.secretLiteral@/steps/0/input/dbPassword"])
    }
}

/// Unknown members are errors at every object level, pointing at the key.
@Suite struct UnknownFieldTests {
    @Test func everyLevel() {
        let text = """
            {
              "format": "cairn.workflow/v1", "name": "x", "extra": 1,
              "inputs": { "a": { "type": "string", "requird": true } },
              "defaults": { "retries": {}, "retry": { "maxAttempts": 2 }, "timeouts": { "hearbeat": "1m" } },
              "steps": [
                { "id": "s", "activity": "rds.createInstance", "inputs": {},
                  "compensation": { "activity": "rds.deleteInstance", "inputs": {} },
                  "when": { "equals": [1, 1], "comment": "x" } }
              ]
            }
            """
        let unknown = validate(text).diagnostics.filter { $0.code == Diagnostic.Code.Workflow.unknownField }
        #expect(
            unknown.map(\.pointer) == [
                "/extra", "/inputs/a/requird", "/defaults/retries", "/defaults/retry/maxAttempts", "/defaults/timeouts/hearbeat",
                "/steps/0/inputs", "/steps/0/compensation/inputs", "/steps/0/when/comment",
            ])
        #expect(unknown[1].message.contains("did you mean \"required\"?"))
        #expect(unknown[5].line == 6 && unknown[5].column == 52)
    }
}
