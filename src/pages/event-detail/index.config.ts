import { PAGE_TITLES } from '../../i18n/zh-CN'

export default definePageConfig({
  navigationBarTitleText: PAGE_TITLES.eventDetail,
})
