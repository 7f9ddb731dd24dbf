import Foundation
import Testing

/// `--rds-provider`: bad values and missing AWS settings are refused before anything is written, and
/// an execution continues only against the provider it started with.
@Suite struct AWSProviderCLITests {
    static let create = workflowPath("create-instance")

    /// An environment with no AWS settings at all: `HOME` is the sandbox, so no `~/.aws` is read.
    static func bareEnvironment(_ sandbox: Sandbox) -> [String: String] { ["HOME": sandbox.root] }

    @Test func anUnknownProviderIsAUsageError() async throws {
        try await Sandbox.with { sandbox in
            let result = await sandbox.cairn(["run", Self.create, "--input", "identifier=db1", "--rds-provider", "gcp"])
            #expect(result.status == 2, "\(result)")
            #expect(result.err.contains("--rds-provider must be aws or sim; got \"gcp\""), "\(result)")
            #expect(sandbox.stateTree() == nil)
        }
    }

    @Test func missingCredentialsNameEveryPlaceLookedAndWriteNothing() async throws {
        try await Sandbox.with { sandbox in
            let result = await sandbox.cairn(
                ["run", Self.create, "--input", "identifier=db1", "--rds-provider", "aws"], environment: Self.bareEnvironment(sandbox))
            #expect(result.status == 2, "\(result)")
            #expect(result.err.contains("--rds-provider aws:"), "\(result)")
            #expect(result.err.contains("AWS_ACCESS_KEY_ID"), "\(result)")
            #expect(result.err.contains(sandbox.root + "/.aws/credentials"), "\(result)")
            #expect(result.err.contains(sandbox.root + "/.aws/config"), "\(result)")
            #expect(!result.out.contains("execution "), "nothing was started: \(result)")
            #expect(sandbox.stateTree() == nil, "nothing may be written")
        }
    }

    @Test func aNamedProfileThatDoesNotExistIsRefused() async throws {
        try await Sandbox.with { sandbox in
            var environment = Self.bareEnvironment(sandbox)
            environment["AWS_PROFILE"] = "nightly"
            let result = await sandbox.cairn(
                ["run", Self.create, "--input", "identifier=db1", "--rds-provider", "aws"], environment: environment)
            #expect(result.status == 2, "\(result)")
            #expect(result.err.contains("nightly"), "\(result)")
            #expect(sandbox.stateTree() == nil)
        }
    }

    @Test func anUnsupportedCredentialSourceSaysSo() async throws {
        try await Sandbox.with { sandbox in
            try FileManager.default.createDirectory(atPath: sandbox.root + "/.aws", withIntermediateDirectories: true)
            _ = try sandbox.write(".aws/config", "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nregion = eu-west-1\n")
            var environment = Self.bareEnvironment(sandbox)
            environment["AWS_PROFILE"] = "sso"
            let result = await sandbox.cairn(
                ["run", Self.create, "--input", "identifier=db1", "--rds-provider", "aws"], environment: environment)
            #expect(result.status == 2, "\(result)")
            #expect(result.err.contains("does not support this way of getting credentials"), "\(result)")
            #expect(sandbox.stateTree() == nil)
        }
    }

    @Test func resumeRefusesAnotherProviderThanTheExecutionStartedWith() async throws {
        try await Sandbox.with { sandbox in
            let first = await sandbox.cairn("run", Self.create, "--input", "identifier=db1", "--id", "on-sim", "--sim-speed", "600")
            try #require(first.status == 0, "\(first)")
            let before = try #require(sandbox.stateTree())
            let result = await sandbox.cairn(["resume", "on-sim", "--rds-provider", "aws"], environment: Self.bareEnvironment(sandbox))
            #expect(result.status == 2, "\(result)")
            #expect(result.err.contains("runs against --rds-provider sim, not aws"), "\(result)")
            #expect(sandbox.stateTree() == before)
        }
    }
}
