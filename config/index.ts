import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

/** weapp keeps `dist/` (what project.config.json points at); every other target gets its own folder
 * because each `taro build` empties its outputRoot. */
// The API contract lives with the cloud code and is compiled into the app too.
const sharedContract = path.resolve(__dirname, '..', 'cloud', 'src', 'api')

/**
 * A build wired to the local development backend: the dev server always, and production-mode builds
 * with `TICKETCARD_DEV_BACKEND=1` (what the browser tests serve), which go to `dist-<target>-dev/`.
 */
const devBackendBuild = process.env.TICKETCARD_DEV_BACKEND === '1'

function outputRootFor(target: string | undefined): string {
  if (!target || target === 'weapp') return 'dist'
  return devBackendBuild ? `dist-${target}-dev` : `dist-${target}`
}

/**
 * Where non-weapp targets reach the backend (`TICKETCARD_API_BASE` overrides). H5 is served beside
 * the gateway (the dev and test servers proxy `/api`), so a relative path works there. A
 * mini-program has no origin of its own, so Alipay and ByteDance need an absolute URL: by default
 * the local gateway (`npm run dev` / `serve`), which their IDEs' simulators reach on this machine.
 */
function apiBaseFor(target: string | undefined): string {
  if (process.env.TICKETCARD_API_BASE) return process.env.TICKETCARD_API_BASE
  return target === 'h5' ? '/api' : `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 8787}/api`
}

export default defineConfig<'webpack5'>(async (merge, { mode }) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'ticketcard',
    date: '2026-11-29',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: outputRootFor(process.env.TARO_ENV),
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBaseFor(process.env.TARO_ENV)),
      // weapp: which CloudBase environment `wx.cloud.init` uses; unset, the mini-program's default one.
      CLOUD_ENV: JSON.stringify(process.env.TICKETCARD_CLOUD_ENV ?? ''),
      // The simulator's wallet as the card pack, on H5: never in a production build.
      DEV_BACKEND: JSON.stringify(devBackendBuild || mode === 'development' || process.env.NODE_ENV === 'development'),
    },
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
      '@api': path.resolve(__dirname, '..', 'cloud', 'src', 'api'),
    },
    copy: {
      patterns: [],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      enable: false,
    },
    mini: {
      compile: { include: [sharedContract] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      router: { mode: 'hash' },
      // Every page in the one bundle the first visit loads: a page opened later needs no chunk
      // from the server, so a lost connection can break a request (which the page handles) but
      // never a tap on a link (a chunk-load error, which nothing can recover from).
      webpackChain(chain, webpack) {
        chain.plugin('single-bundle').use(webpack.optimize.LimitChunkCountPlugin, [{ maxChunks: 1 }])
      },
      compile: { include: [sharedContract] },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  }
  if (mode === 'development' || process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig)
  }
  return merge({}, baseConfig, prodConfig)
})
