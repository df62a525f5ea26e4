import Taro from '@tarojs/taro'

/** Every route the app links to, in one place (the tab pages cannot take a query: WeChat's rule). */
export const ROUTES = {
  events: '/pages/event/index',
  tickets: '/pages/tickets/index',
  workbench: '/pages/organizer/index',
  event: (eventId: string) => `/pages/event-detail/index?eventId=${encodeURIComponent(eventId)}`,
  reserve: (sessionId: string) => `/pages/reserve/index?sessionId=${encodeURIComponent(sessionId)}`,
  ticket: (ticketId: string) => `/pages/ticket/index?ticketId=${encodeURIComponent(ticketId)}`,
  privacy: (eventId?: string) => (eventId ? `/pages/privacy/index?eventId=${encodeURIComponent(eventId)}` : '/pages/privacy/index'),
} as const

export const goToEvents = (): void => void Taro.switchTab({ url: ROUTES.events })
export const goToTickets = (): void => void Taro.switchTab({ url: ROUTES.tickets })
