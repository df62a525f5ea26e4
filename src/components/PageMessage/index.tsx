import { Button, Text, View } from '@tarojs/components'
import { TEXT } from '../../i18n/zh-CN'
import { goToEvents } from '../../navigation'
import './index.css'

export interface PageAction {
  label: string
  onClick: () => void
  /** The one thing the page suggests doing; the others are plain. */
  primary?: boolean
}

/** The way on from any page with nothing to show: every published event (a tab, reachable from anywhere). */
export const SEE_ALL_EVENTS: PageAction = { label: TEXT.seeAllEvents, onClick: goToEvents }

/**
 * A whole-page state with nothing else to show: not found, failed with nothing cached, empty. It
 * always says what happened and, unless there is truly nothing to do, offers a way on.
 */
export function PageMessage({ title, body, actions = [], tone = 'neutral', testId }: { title: string; body?: string; actions?: PageAction[]; tone?: 'neutral' | 'error'; testId?: string }) {
  return (
    <View className={`page-message page-message--${tone}`} data-testid={testId} role={tone === 'error' ? 'alert' : undefined}>
      <Text className='page-message__title'>{title}</Text>
      {body && <Text className='page-message__body'>{body}</Text>}
      {actions.length > 0 && (
        <View className='page-message__actions'>
          {actions.map((action) => (
            <Button key={action.label} className={`${action.primary ? 'button-primary' : 'button-secondary'} page-message__action`} onClick={action.onClick}>
              {action.label}
            </Button>
          ))}
        </View>
      )}
    </View>
  )
}
