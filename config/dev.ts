import type { UserConfigExport } from '@tarojs/cli'

const gatewayPort = process.env.GATEWAY_PORT ?? '8787'
const wechatPort = process.env.WECHAT_SIM_PORT ?? '9302'

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
          context: ['/api'],
          target: `http://127.0.0.1:${gatewayPort}`,
          changeOrigin: true,
        },
        // The WeChat simulator's wallet stands in for the card pack in the browser.
        {
          context: ['/wallet'],
          target: `http://127.0.0.1:${wechatPort}`,
          changeOrigin: true,
        },
      ],
    },
  },
} satisfies UserConfigExport<'webpack5'>
