export { MiniProgram, PageHandle, BundleError, parseUrl, type MiniProgramOptions, type ElementQuery, type SubPackage } from './miniProgram'
export { HOSTS, type HostName, type HostModel } from './hosts'
export { HostState, type CloudBackend, type HarnessUser } from './hostApi'
