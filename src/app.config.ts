import { PAGE_TITLES, TAB_LABELS } from './i18n/zh-CN'

const target = process.env.TARO_ENV

export default defineAppConfig({
  pages: [
    'pages/event/index',
    'pages/tickets/index',
    'pages/organizer/index',
    'pages/event-detail/index',
    'pages/reserve/index',
    'pages/ticket/index',
    'pages/privacy/index',
  ],
  // Staff and organizer tools live in a subpackage, downloaded on first use: an attendee's first
  // download stays small. The 工作台 tab stays in the main package (WeChat requires tab pages there)
  // and links in.
  subPackages: [{ root: 'staff', pages: ['checkin/index', 'desk/index'] }],
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
    // Icons are PNGs rendered from the SVGs beside them (`npm run icons`): WeChat takes no SVG and no
    // network image here, and wants 81×81 px, ≤ 40 KB, in `color` and `selectedColor`.
    list: [
      {
        pagePath: 'pages/event/index',
        text: TAB_LABELS.event,
        iconPath: 'assets/tabbar/event.png',
        selectedIconPath: 'assets/tabbar/event-selected.png',
      },
      {
        pagePath: 'pages/tickets/index',
        text: TAB_LABELS.tickets,
        iconPath: 'assets/tabbar/tickets.png',
        selectedIconPath: 'assets/tabbar/tickets-selected.png',
      },
      {
        pagePath: 'pages/organizer/index',
        text: TAB_LABELS.organizer,
        iconPath: 'assets/tabbar/organizer.png',
        selectedIconPath: 'assets/tabbar/organizer-selected.png',
      },
    ],
  },
  // WeChat: the app collects personal information, so WeChat's privacy authorization applies
  // (always on since 2023-10-17; declared all the same). Mini-program only: no meaning on H5.
  ...(target === 'weapp' ? { __usePrivacyCheck__: true } : {}),
  // H5 page-slide animation spoils screenshots and adds nothing on desktop browsers. H5 only.
  ...(target === 'h5' ? { animation: false } : {}),
})
