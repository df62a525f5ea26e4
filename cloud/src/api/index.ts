export * from './errors'
export * from './envelope'
export * from './models'
export * from './actions'
