import StrictJSON

extension DefinitionChecker {
    /// Checks `after`, cycles and every expression against the declared inputs and the step graph.
    mutating func checkReferences(_ draft: WorkflowDraft) {
        let graph = StepGraph(draft.steps.map { ($0.step.id, $0.step.after) })
        let byId = Dictionary(draft.steps.map { ($0.step.id, $0) }, uniquingKeysWith: { first, _ in first })
        let stepIds = draft.steps.map(\.step.id).filter { !$0.hasPrefix("#") }
        for step in draft.steps {
            for (index, name) in (step.step.after ?? []).enumerated() where byId[name] == nil {
                report(
                    Code.unknownStep, at: step.pointer.appending("after").appending(index),
                    "\(step.phrase) waits for step \"\(name)\", which does not exist\(Suggestions.hint(for: name, among: stepIds)); steps are \(Suggestions.list(stepIds))"
                )
            }
        }
        for cycle in graph.cycles() {
            guard let first = cycle.first, let step = byId[first] else { continue }
            let path = (cycle + [first]).joined(separator: " → ")
            report(
                Code.dependencyCycle, at: step.pointer.appending("after"),
                "steps wait for each other in a cycle: \(path); remove one of these dependencies from \"after\"")
        }
        let context = ReferenceContext(inputNames: draft.inputNames, steps: byId, stepIds: stepIds)
        for step in draft.steps {
            let ancestors = graph.ancestors(of: step.step.id)
            for use in step.uses { checkUse(use, in: step, ancestors: ancestors, context: context) }
        }
        for use in draft.outputUses { checkUse(use, in: nil, ancestors: [], context: context) }
    }

    /// One expression, used in `step` (nil for the workflow's output).
    private mutating func checkUse(_ use: ExpressionUse, in step: StepDraft?, ancestors: Set<String>, context: ReferenceContext) {
        switch use.expression.root {
        case .input(let name) where !context.inputNames.contains(name):
            report(
                Code.unknownInput, at: use.pointer,
                "\(use.expression) reads input \"\(name)\", which is not declared\(Suggestions.hint(for: name, among: context.inputNames)); declare it under \"inputs\" (declared: \(Suggestions.list(context.inputNames)))"
            )
        case .stepOutput(let id):
            checkStepOutput(use, id: id, in: step, ancestors: ancestors, context: context)
        case .item, .index:
            checkItem(use, in: step)
        case .output where use.place != .compensationInput:
            report(
                Code.outputOutsideCompensation, at: use.pointer,
                "\(use.expression) is only defined in a compensation's input (the result being undone); in \(use.place.phrase) read ${steps.ID.output} instead"
            )
        default:
            break
        }
    }

    private mutating func checkStepOutput(
        _ use: ExpressionUse, id: String, in step: StepDraft?, ancestors: Set<String>, context: ReferenceContext
    ) {
        guard let target = context.steps[id] else {
            report(
                Code.unknownStep, at: use.pointer,
                "\(use.expression) reads step \"\(id)\", which does not exist\(Suggestions.hint(for: id, among: context.stepIds)); steps are \(Suggestions.list(context.stepIds))"
            )
            return
        }
        if let step {
            if target.step.id == step.step.id {
                let advice =
                    use.place == .compensationInput
                    ? "use ${output} for the result being undone" : "a step cannot read its own result; read an earlier step"
                report(Code.selfReference, at: use.pointer, "\(step.phrase) reads its own output in \(use.expression); \(advice)")
                return
            }
            if !ancestors.contains(id) {
                report(
                    Code.stepNotBefore, at: use.pointer,
                    "\(step.phrase) reads \(use.expression), but step \"\(id)\" does not run before it; add \"after\": [\"\(id)\"] or move the step"
                )
            }
        }
        checkOutputPath(use, of: target)
    }

    /// `${steps.x.output.f}`: `f` must be something `x` can return.
    private mutating func checkOutputPath(_ use: ExpressionUse, of target: StepDraft) {
        var path = use.expression.path[...]
        guard let first = path.first else { return }
        let id = target.step.id
        if target.isTimer {
            report(
                Code.unknownOutputField, at: use.pointer,
                "\(use.expression): step \"\(id)\" is a timer; its output is null and has no members")
            return
        }
        if target.step.forEach != nil {
            guard case .index = first else {
                report(
                    Code.unknownOutputField, at: use.pointer,
                    "\(use.expression): step \"\(id)\" runs forEach, so its output is an array with one result per element; write ${steps.\(id).output[0]...}, or loop over it with \"forEach\": \"${steps.\(id).output}\" and read ${item...}"
                )
                return
            }
            path = path.dropFirst()
        }
        guard let fields = target.spec?.outputFields, let member = path.first else { return }
        switch member {
        case .key(let key) where !fields.contains(key):
            report(
                Code.unknownOutputField, at: use.pointer,
                "\(use.expression): \(target.spec?.name ?? "the activity") returns no \"\(key)\"\(Suggestions.hint(for: key, among: fields)); it returns \(fields.joined(separator: ", "))"
            )
        case .index:
            report(
                Code.unknownOutputField, at: use.pointer,
                "\(use.expression): \(target.spec?.name ?? "the activity") returns an object (\(fields.joined(separator: ", "))), not an array"
            )
        default:
            break
        }
    }

    private mutating func checkItem(_ use: ExpressionUse, in step: StepDraft?) {
        let why: String
        switch use.place {
        case .stepInput, .compensationInput:
            guard let step, step.step.forEach == nil, !isForEachWritten(step) else { return }
            why = "\(step.phrase) has no \"forEach\"; add one, or read the value directly"
        case .forEach:
            why = "\"forEach\" is evaluated before there is any element"
        case .when:
            why = "\"when\" is evaluated once for the whole step, before its elements"
        case .workflowOutput:
            why = "the workflow's output has no current element"
        }
        report(Code.itemOutsideForEach, at: use.pointer, "\(use.expression) is only defined in the input of a forEach step; \(why)")
    }

    /// True when the step wrote a `forEach` that was itself invalid (already reported).
    private func isForEachWritten(_ step: StepDraft) -> Bool {
        root.value(at: step.pointer)?["forEach"] != nil
    }
}

/// What expression checks look up.
struct ReferenceContext {
    /// Every name under `inputs`.
    var inputNames: [String]
    /// Steps by id (the first of duplicates).
    var steps: [String: StepDraft]
    /// Real step ids in file order, for suggestions.
    var stepIds: [String]
}
