import type { UserConfigExport } from '@tarojs/cli'

const gatewayPort = process.env.GATEWAY_PORT ?? '8787'

export default {
  logger: {
    quiet: false,
    stats: true,
  },
  mini: {},
  h5: {
    devServer: {
      host: '127.0.0.1',
      port: Number(process.env.H5_PORT ?? 10086),
      open: false,
      proxy: [
        {
          context: ['/api', '/wallet'],
          target: `http://127.0.0.1:${gatewayPort}`,
          changeOrigin: true,
        },
      ],
    },
  },
} satisfies UserConfigExport<'webpack5'>
