import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'
import type { RoleEvent } from '../../stores/roles'
import { DevIdentitySwitch } from '../../components/DevIdentitySwitch'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadState } from '../../components/LoadState'
import { WechatOnly } from '../../components/WechatOnly'
import { capabilities } from '../../platform'
import { TEXT } from '../../i18n/zh-CN'
import { initialRolesState, selectRoles, selectRolesFreshness, useRolesStore } from '../../stores/roles'
import { initialTicketsState, useTicketsStore } from '../../stores/tickets'
import './index.css'

function EventRow({ event }: { event: RoleEvent }) {
  const organizer = event.role === 'organizer'
  return (
    <View className='workbench__event' data-testid='workbench-event'>
      <View className='workbench__event-head'>
        <Text className='workbench__event-title'>{event.title}</Text>
        <Text className={`workbench__role workbench__role--${event.role}`}>{organizer ? TEXT.roleOrganizer : TEXT.roleStaff}</Text>
      </View>
      <View className='workbench__actions'>
        <Button
          className='button-primary workbench__action'
          onClick={() => void Taro.navigateTo({ url: `/staff/checkin/index?eventId=${encodeURIComponent(event.id)}` })}
        >
          {TEXT.openCheckin}
        </Button>
        {organizer && (
          <Button
            className='button-secondary workbench__action'
            onClick={() => void Taro.navigateTo({ url: `/staff/desk/index?eventId=${encodeURIComponent(event.id)}` })}
          >
            {TEXT.openDesk}
          </Button>
        )}
      </View>
    </View>
  )
}

function MyId({ openid }: { openid: string }) {
  return (
    <View className='workbench__id'>
      <Text className='muted'>{TEXT.workbenchMyId}</Text>
      <Text className='workbench__openid' selectable data-testid='my-openid'>
        {openid}
      </Text>
      <Button className='button-secondary workbench__copy' size='mini' onClick={() => void Taro.setClipboardData({ data: openid })}>
        {TEXT.copyId}
      </Button>
    </View>
  )
}

/**
 * The 工作台 tab: a thin main-package page. It asks who the caller is to each event (roles.mine)
 * and links into the staff subpackage (check-in, the organizer's desk); someone who is neither
 * staff nor organizer sees no tools, only their own id to send to an organizer.
 */
function Workbench() {
  const roles = useRolesStore(selectRoles)
  const freshness = useRolesStore(useShallow(selectRolesFreshness))
  const load = useRolesStore((s) => s.load)

  useDidShow(() => {
    void load()
  })

  // Development: the browser became someone else. Their tickets and roles are read again; the
  // desk reads its figures again on every show, so it needs no reset (and stays out of this package).
  const onIdentitySwitched = () => {
    useTicketsStore.setState(initialTicketsState)
    useRolesStore.setState(initialRolesState)
    void load()
  }

  let body
  if (!roles) body = <LoadState status={freshness.status} error={freshness.error} onRetry={() => void load()} emptyText='' />
  else if (roles.events.length === 0) {
    body = (
      <View className='card' data-testid='not-staff'>
        <Text className='title'>{TEXT.workbenchNotStaffTitle}</Text>
        <Text className='muted workbench__line'>{TEXT.workbenchNotStaff}</Text>
        <MyId openid={roles.openid} />
      </View>
    )
  } else {
    body = (
      <View>
        <View className='card'>
          <Text className='title'>{TEXT.workbenchEventsHeading}</Text>
          {roles.events.map((event) => (
            <EventRow key={event.id} event={event} />
          ))}
        </View>
        <View className='card'>
          <MyId openid={roles.openid} />
        </View>
      </View>
    )
  }

  return (
    <View className='page'>
      {roles && <FreshnessNotice freshness={freshness} onRetry={() => void load()} />}
      {body}
      {DEV_BACKEND && <DevIdentitySwitch openid={roles?.openid ?? null} onSwitched={onIdentitySwitched} />}
    </View>
  )
}

export default function WorkbenchPage() {
  return capabilities.signedIn ? (
    <Workbench />
  ) : (
    <View className='page'>
      <WechatOnly title={TEXT.wechatOnlyWorkbenchTitle} />
    </View>
  )
}
