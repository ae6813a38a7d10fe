import ModelwardenCore

/// An environment variable of a container, service or env file.
public struct EnvVar: Sendable, Codable, Equatable {
    public enum Reference: Sendable, Hashable, Codable {
        case configMap(name: String, key: String)
        case secret
    }

    public var name: String
    public var nameLocation: Located
    public var value: Located?
    public var reference: Reference?

    public init(name: String, nameLocation: Located, value: Located?, reference: Reference? = nil) {
        self.name = name
        self.nameLocation = nameLocation
        self.value = value
        self.reference = reference
    }
}

/// What runs in one container: image, command, arguments, environment.
public struct ContainerSpec: Sendable, Codable, Equatable {
    public var name: String
    public var image: Located?
    public var command: [Located]
    public var args: [Located]
    public var env: [EnvVar]
    /// ConfigMaps whose keys all become variables (`envFrom`).
    public var envFromConfigMaps: [String]
    /// The runtime a custom resource implies when no image says it (KServe, KubeAI, Ray).
    public var runtimeHint: String?

    public init(name: String, image: Located? = nil, command: [Located] = [], args: [Located] = [], env: [EnvVar] = [],
                envFromConfigMaps: [String] = [], runtimeHint: String? = nil) {
        self.runtimeHint = runtimeHint
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.env = env
        self.envFromConfigMaps = envFromConfigMaps
    }
}

/// A deployment whose containers are analysed once every file of the scan has been read,
/// so references to ConfigMaps and env files in other files resolve.
public struct Workload: Sendable, Codable, Equatable {
    public var deployment: DeploymentRef
    public var file: String
    public var containers: [ContainerSpec]
    /// Env files (paths relative to the scan root) that feed every container.
    public var envFiles: [String]
    /// The folder its image is built from (a compose `build:` context, relative to the scan root): code there runs in it.
    public var buildContext: String? = nil

    public init(deployment: DeploymentRef, file: String, containers: [ContainerSpec], envFiles: [String] = []) {
        self.deployment = deployment
        self.file = file
        self.containers = containers
        self.envFiles = envFiles
    }
}

/// A model route of a proxy (a LiteLLM `model_list` entry): the model string, where it is sent, what it really is.
public struct ProxyRoute: Sendable, Codable, Equatable {
    public var deployment: DeploymentRef
    public var model: Located
    public var apiBase: Located?
    /// `model_info.base_model` and the like: what an alias (an Azure deployment name) really is.
    public var baseModel: String?
    /// The client-facing alias (`model_name`).
    public var alias: String?

    public init(deployment: DeploymentRef, model: Located, apiBase: Located?, baseModel: String?, alias: String?) {
        self.deployment = deployment
        self.model = model
        self.apiBase = apiBase
        self.baseModel = baseModel
        self.alias = alias
    }
}

/// What scanning one file yields.
public struct FileScan: Sendable, Codable {
    public var deployments: [Deployment] = []
    public var workloads: [Workload] = []
    public var usages: [Usage] = []
    public var routes: [ProxyRoute] = []
    /// Kubernetes Services: name, namespace and selector, to find the workload behind an in-cluster host.
    var services: [ServiceDirectory.Service] = []
    /// ConfigMap data by "namespace/name" (namespace may be empty), for `valueFrom` and `envFrom`.
    public var configMaps: [String: [String: Located]] = [:]
    /// Variables defined by an env file, for compose `env_file` and `${VAR}` substitution.
    public var envVariables: [EnvVar]? = nil
    public var diagnostics: [Diagnostic] = []
    /// Why the file was not read (it does not parse and is of no known kind); counted in the summary.
    public var unreadReason: String? = nil
    /// The file's role and why; nil in scans made before roles existed (read as configuration).
    public var role: RoleVerdict? = nil
    /// Entries of a catalog of supported models (a data file): listed apart, never usages.
    public var supported: [SupportedModel]? = nil
    /// MCP servers the file configures (an agent's tools). Required when decoding: a cached scan from before tools
    /// were read fails to decode and the file is read again.
    public var tools: [ToolServer] = []

    public init() {}

    /// The scan of a data file: nothing but its role (and the catalog entries it lists).
    init(data verdict: RoleVerdict, supported: [SupportedModel]? = nil) {
        self.role = verdict
        self.supported = supported
    }
}

extension Array where Element == EnvVar {
    /// The synthetic `MODEL_n` (and `BASE_URL`) variables of a scanner, renamed under a provider's or runtime's stem
    /// (`OPENAI_MODEL_3`), so the analyser treats them as that provider's.
    func named(forStem stem: String, includingBaseURL: Bool = true) -> [EnvVar] {
        map { variable in
            var renamed = variable
            if variable.name.hasPrefix("MODEL_") || (includingBaseURL && variable.name == "BASE_URL") { renamed.name = "\(stem)_\(variable.name)" }
            return renamed
        }
    }
}
