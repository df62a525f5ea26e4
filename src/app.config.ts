import { PAGE_TITLES, TAB_LABELS } from './i18n/zh-CN'

export default defineAppConfig({
  pages: [
    'pages/event/index',
    'pages/tickets/index',
    'pages/organizer/index',
    'pages/reserve/index',
    'pages/ticket/index',
    'pages/checkin/index',
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: PAGE_TITLES.app,
    navigationBarTextStyle: 'black',
  },
  tabBar: {
    color: '#6b7280',
    selectedColor: '#c2410c',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/event/index', text: TAB_LABELS.event },
      { pagePath: 'pages/tickets/index', text: TAB_LABELS.tickets },
      { pagePath: 'pages/organizer/index', text: TAB_LABELS.organizer },
    ],
  },
  // H5 page-slide animation spoils screenshots and adds nothing on desktop browsers.
  animation: false,
})
