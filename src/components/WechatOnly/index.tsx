import Taro from '@tarojs/taro'
import { PAGE_TITLES, TEXT } from '../../i18n/zh-CN'
import { PageMessage, SEE_ALL_EVENTS } from '../PageMessage'

/**
 * Where a target has no sign-in yet (production H5, Alipay, ByteDance), a personal page says so
 * and shows the way to WeChat, instead of calling the backend for an answer it cannot give.
 */
export function WechatOnly({ title }: { title: string }) {
  const copyName = () => {
    void Taro.setClipboardData({ data: PAGE_TITLES.app }).then(() => Taro.showToast({ title: TEXT.copiedAppName, icon: 'none' }))
  }
  return (
    <PageMessage
      testId='wechat-only'
      title={title}
      body={TEXT.wechatOnlyBody(PAGE_TITLES.app)}
      actions={[
        { label: TEXT.copyAppName, onClick: copyName, primary: true },
        SEE_ALL_EVENTS,
      ]}
    />
  )
}
