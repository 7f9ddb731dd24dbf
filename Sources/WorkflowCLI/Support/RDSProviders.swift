import AWSConfiguration
import AWSRDS
import Activities
import DatabaseAdministration
import Foundation
import RDSCore
import RDSSimulator
import StateDirectory
import Time
import WorkflowEngine
import WorkflowModel

/// Which RDS the activities talk to: the embedded simulator or real AWS.
enum RDSProviderKind: String, CaseIterable, Sendable {
    /// The durable simulator in the state directory (the default).
    case sim
    /// Amazon RDS over the Query API, signed with SigV4.
    case aws

    /// The execution tag that records the provider, so `resume` continues against the same one.
    var executionTag: String? { self == .sim ? nil : "\(Self.tagPrefix)\(rawValue)" }

    static let tagPrefix = "rds-provider:"

    /// The provider an execution was started with, from its `tagList` (none means the simulator).
    static func recorded(in tags: [String]?) -> RDSProviderKind? {
        guard let tag = tags?.first(where: { $0.hasPrefix(tagPrefix) }) else { return .sim }
        return RDSProviderKind(rawValue: String(tag.dropFirst(tagPrefix.count)))
    }

    /// The `--rds-provider` of the invocation, checked before anything is written.
    static func requested(_ invocation: Invocation) throws -> RDSProviderKind? {
        guard let text = invocation.arguments.value("rds-provider") else { return nil }
        guard let kind = RDSProviderKind(rawValue: text) else {
            throw CLIError.usage("--rds-provider must be aws or sim; got \(quoted(text))")
        }
        return kind
    }
}

let rdsProviderOption = OptionSpec(
    name: "rds-provider", takesValue: true,
    help: "sim (default: the built-in RDS simulator) or aws (Amazon RDS with your AWS credentials; see README)",
    valueName: "aws|sim")

let profileOption = OptionSpec(
    name: "profile", takesValue: true, help: "with --rds-provider aws: the profile in ~/.aws/config and credentials (default AWS_PROFILE)",
    valueName: "NAME")

/// The providers the built-in activities use, for one engine session.
struct ActivityProviders {
    var kind: RDSProviderKind
    var rds: any RDSProvider
    var secrets: any SecretStore
    var users: any DatabaseUserAdministrator
    /// For `run`'s banner: where the activities act.
    var summary: String

    /// The built-in activity handlers over these providers.
    var handlers: [any ActivityHandler] {
        BuiltInActivities.handlers(rds: rds, secrets: secrets, users: users, secretResolver: .standard(secrets: secrets))
    }

    /// Real AWS: credentials, region and endpoints from where AWS tools look (README, "Running against AWS").
    /// - Throws: ``CLIError`` (usage) naming where it looked when credentials or settings are missing or bad.
    static func aws(_ invocation: Invocation, clock: any WallClock) throws -> ActivityProviders {
        let resolver = AWSConfigurationResolver(
            sources: .live(environment: invocation.environment), profile: invocation.arguments.value("profile"))
        let settings: (credentials: ResolvedCredentials, region: String?, rds: String?, secrets: String?)
        do {
            settings = try awsSettings(resolver)
        } catch {
            throw CLIError.usage("--rds-provider aws: \(error.message)")
        }
        let (credentials, region, rdsEndpoint, secretsEndpoint) = settings
        let withSource = CredentialsWithSource(credentials: credentials.credentials, source: credentials.source)
        let transport = URLSessionTransport()
        let rdsClient = AWSServiceClient(
            signingName: "rds", credentials: withSource,
            endpoints: AWSEndpointResolver(endpointPrefix: "rds", override: rdsEndpoint.flatMap { URL(string: $0) }),
            transport: transport, clock: clock)
        let secretsClient = AWSServiceClient(
            signingName: "secretsmanager", credentials: withSource,
            endpoints: AWSEndpointResolver(endpointPrefix: "secretsmanager", override: secretsEndpoint.flatMap { URL(string: $0) }),
            transport: transport, clock: clock)
        let rds = AWSRDSProvider(client: rdsClient)
        let secrets = SecretsManagerClient(client: secretsClient, defaultRegion: region)
        let endpointNote = rdsEndpoint.map { "endpoint \($0)" } ?? "regional endpoints"
        let users = PSQLUserAdministrator(
            rds: rds, masterPassword: { try await masterPassword(of: $0, secrets: secrets) },
            endpointOverride: invocation.environment[databaseEndpointVariable], environment: invocation.environment)
        return ActivityProviders(
            kind: .aws, rds: rds, secrets: secrets, users: users,
            summary: "Amazon RDS (\(endpointNote); credentials from \(credentials.source))")
    }

    /// The environment variable that sends `db.resetUserPasswords`' connections to `host:port` (a tunnel's
    /// local end, say) instead of the instance's endpoint.
    static let databaseEndpointVariable = "CAIRN_DB_ENDPOINT"

    /// The master password `db.resetUserPasswords` logs in with: from the RDS-managed secret when RDS
    /// manages it, else from the secret `rds.resetMasterPassword` keeps it in (``MasterPasswordSecret``).
    static func masterPassword(of instance: DBInstance, secrets: SecretsManagerClient) async throws -> String {
        let value: String
        if let arn = instance.masterUserSecretArn {
            value = try await secrets.getSecretValue(arn: arn)
        } else {
            let name = MasterPasswordSecret.defaultName(instanceIdentifier: instance.identifier)
            do {
                value = try await secrets.getSecretValue(id: name, region: instance.region)
            } catch let error as RDSError where error.code == .resourceNotFoundException {
                throw RDSError(
                    code: error.code,
                    message: "the master password of \(instance.identifier) is not managed by RDS and secret \(name) "
                        + "does not exist in \(instance.region); run rds.resetMasterPassword on it first", httpStatus: 400)
            }
        }
        return SecretResolver.password(fromSecretValue: value)
    }

    /// Credentials, the configured region (optional: workflows name their regions) and endpoint overrides.
    static func awsSettings(
        _ resolver: AWSConfigurationResolver
    ) throws(AWSConfigurationError) -> (credentials: ResolvedCredentials, region: String?, rds: String?, secrets: String?) {
        let credentials = try resolver.credentials()
        let region: String?
        do {
            region = try resolver.region()
        } catch  where error.code == .regionMissing {
            region = nil
        }
        return (credentials, region, try resolver.endpointURL(serviceId: "RDS"), try resolver.endpointURL(serviceId: "Secrets Manager"))
    }

    /// The simulator in the state directory.
    static func simulator(_ simulator: RDSSimulator, directory: StateDirectory) -> ActivityProviders {
        ActivityProviders(
            kind: .sim, rds: simulator, secrets: simulator, users: simulator,
            summary: "the RDS simulator in \(directory.simulatorPath)")
    }
}
