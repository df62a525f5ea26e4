/**
 * Production H5, Alipay and ByteDance builds have no sign-in yet (`capabilities.signedIn` false):
 * every personal page says so and shows the way to WeChat, and none asks the backend for
 * something it could only refuse. Events stay browsable.
 */
import { fireEvent, render, screen } from '@testing-library/react'
import type { ComponentType } from 'react'
import ReservePage from '../../src/pages/reserve'
import TicketPage from '../../src/pages/ticket'
import TicketsPage from '../../src/pages/tickets'
import WorkbenchPage from '../../src/pages/organizer'
import CheckinPage from '../../src/staff/checkin'
import DeskPage from '../../src/staff/desk'
import EventPage from '../../src/pages/event'
import { initialEventsState, useEventsStore } from '../../src/stores/events'
import { request, resetTaroStub, setClipboardData, setRouterParams, switchTab } from '../support/taro'
import { sampleEvent } from './fixtures'

jest.mock('../../src/platform', () => {
  const actual = jest.requireActual('../../src/platform')
  return { ...actual, capabilities: { ...actual.capabilities, signedIn: false } }
})

const actionsSent = () => request.mock.calls.map((call) => (call[0].data as { action: string }).action)

beforeEach(() => {
  resetTaroStub()
  useEventsStore.setState(initialEventsState)
  request.mockImplementation(async () => ({ statusCode: 200, data: { ok: true, data: { events: [sampleEvent()] } } }))
})

test('the events stay browsable', async () => {
  render(<EventPage />)
  expect(await screen.findByText('城市博物馆夜场开放')).toBeTruthy()
  expect(actionsSent()).toEqual(['events.list'])
})

test('the reservation form becomes the session and the way to reserve in WeChat', async () => {
  setRouterParams({ sessionId: 's1' })
  render(<ReservePage />)
  expect(await screen.findByText('第一场')).toBeTruthy()
  const panel = screen.getByTestId('wechat-only')
  expect(panel.textContent).toContain('请在微信中预约')
  expect(panel.textContent).toContain('搜索「票卡」')
  expect(screen.queryByText('提交预约')).toBeNull()
  fireEvent.click(screen.getByText('复制小程序名称'))
  expect(setClipboardData).toHaveBeenCalledWith({ data: '票卡' })
  expect(actionsSent()).toEqual(['events.list'])
})

const personalPages: [string, ComponentType, Record<string, string>, string][] = [
  ['my tickets', TicketsPage, {}, '你的票在微信小程序里'],
  ['a ticket', TicketPage, { ticketId: 't1' }, '你的票在微信小程序里'],
  ['the workbench', WorkbenchPage, {}, '工作台请在微信小程序中使用'],
  ['check-in', CheckinPage, { eventId: 'ev1' }, '工作台请在微信小程序中使用'],
  ['the desk', DeskPage, { eventId: 'ev1' }, '工作台请在微信小程序中使用'],
]

test.each(personalPages)('%s says plainly it lives in WeChat, and asks the backend nothing', async (_name, Page, params, title) => {
  setRouterParams(params)
  render(<Page />)
  expect(screen.getByTestId('wechat-only').textContent).toContain(title)
  fireEvent.click(screen.getByText('查看全部活动'))
  expect(switchTab).toHaveBeenCalledWith({ url: '/pages/event/index' })
  // Give any load a page might start on show the time to leave.
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(actionsSent()).toEqual([])
})
