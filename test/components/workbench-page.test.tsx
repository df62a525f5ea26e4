/**
 * The 工作台 tab (pages/organizer): roles.mine decides what the person sees. Neither staff nor
 * organizer: no tools, their own id to send to an organizer. Staff: check-in; organizers: check-in
 * and the desk. In development builds, the switch to the dev organizer identity.
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { MyRoles } from '../../cloud/src/api/models'
import WorkbenchPage from '../../src/pages/organizer'
import { initialRolesState, useRolesStore } from '../../src/stores/roles'
import { getStorageSync, navigateTo, request, resetTaroStub, setClipboardData, setStorageSync } from '../support/taro'


/** roles.mine answered as the caller's identity (the dev id in storage) says. */
function rolesBackend(rolesFor: (openid: string) => MyRoles) {
  request.mockImplementation(async (options) => {
    const { action } = options.data as { action: string }
    if (action !== 'roles.mine') throw new Error(`unexpected action ${action}`)
    const openid = String(options.header?.['x-wx-openid'])
    return { statusCode: 200, data: { ok: true, data: rolesFor(openid) } }
  })
}

beforeEach(() => {
  resetTaroStub()
  useRolesStore.setState(initialRolesState)
  setStorageSync('ticketcard.dev-openid', 'dev_attendee01')
})

it('someone who is neither staff nor organizer sees no tools, and their own id to send to an organizer', async () => {
  rolesBackend((openid) => ({ openid, events: [] }))
  render(<WorkbenchPage />)
  expect((await screen.findByTestId('not-staff')).textContent).toContain('你还不是工作人员')
  expect(screen.getByTestId('my-openid').textContent).toBe('dev_attendee01')
  expect(screen.queryByText('现场检票')).toBeNull()
  expect(screen.queryByText('数据与管理')).toBeNull()
  fireEvent.click(screen.getByText('复制编号'))
  expect(setClipboardData).toHaveBeenCalledWith({ data: 'dev_attendee01' })
})

it('staff get check-in for their event; organizers also get the desk', async () => {
  rolesBackend((openid) => ({
    openid,
    events: [
      { id: 'ev1', title: '城市博物馆夜场开放', role: 'staff' },
      { id: 'ev2', title: '江边音乐会', role: 'organizer' },
    ],
  }))
  render(<WorkbenchPage />)
  const rows = await screen.findAllByTestId('workbench-event')
  expect(rows.map((row) => row.textContent)).toEqual(['城市博物馆夜场开放工作人员现场检票', '江边音乐会主办方现场检票数据与管理'])
  fireEvent.click(screen.getAllByText('现场检票')[0])
  fireEvent.click(screen.getByText('数据与管理'))
  expect(navigateTo.mock.calls.map((call) => call[0].url)).toEqual(['/staff/checkin/index?eventId=ev1', '/staff/desk/index?eventId=ev2'])
  expect(screen.queryByTestId('not-staff')).toBeNull()
})

it('says what went wrong when the roles cannot be read, with a retry', async () => {
  request.mockResolvedValue({ statusCode: 200, data: { ok: false, error: { code: 'UNKNOWN_ACTION', message: 'unknown action roles.mine' } } })
  render(<WorkbenchPage />)
  expect(await screen.findByText('操作暂不支持，请更新小程序后重试')).toBeTruthy()
  expect(screen.getByText('重试')).toBeTruthy()
})

it('development builds switch the browser to the dev organizer and back to a fresh own id', async () => {
  rolesBackend((openid) => ({ openid, events: openid === 'dev_organizer' ? [{ id: 'ev1', title: '城市博物馆夜场开放', role: 'organizer' }] : [] }))
  render(<WorkbenchPage />)
  expect(await screen.findByTestId('not-staff')).toBeTruthy()
  expect(screen.getByTestId('dev-identity').textContent).toContain('当前身份：dev_attendee01')

  fireEvent.click(screen.getByText('切换为主办方 dev_organizer'))
  expect(await screen.findByText('数据与管理')).toBeTruthy()
  expect(getStorageSync('ticketcard.dev-openid')).toBe('dev_organizer')

  fireEvent.click(screen.getByText('换回新的个人身份'))
  await waitFor(() => expect(screen.queryByText('数据与管理')).toBeNull())
  const fresh = getStorageSync<string>('ticketcard.dev-openid')
  expect(fresh).toMatch(/^dev_[0-9a-f]{24}$/)
  expect(fresh).not.toBe('dev_attendee01')
  expect((await screen.findByTestId('my-openid')).textContent).toBe(fresh)
})
