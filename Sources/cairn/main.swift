import Foundation
import WorkflowCLI

// The executable is only this: everything lives in WorkflowCLI.
let status = await CairnCLI.run(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment,
    console: .standard(), interrupts: .process())
exit(status)
