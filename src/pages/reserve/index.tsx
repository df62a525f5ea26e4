import { Button, Input, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { formatSessionTime } from '../../format/time'
import { TEXT } from '../../i18n/zh-CN'
import { selectSession, useEventsStore } from '../../stores/events'

export default function ReservePage() {
  const { params } = useRouter()
  const sessionId = params.sessionId ?? ''
  const session = useEventsStore(selectSession(sessionId))

  return (
    <View className='page'>
      {session && (
        <View className='card' data-testid='reserve-session'>
          <Text className='title'>{session.name}</Text>
          <Text className='muted'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
        </View>
      )}
      <View className='card'>
        <Text className='title'>{TEXT.reserveFormHeading}</Text>
        <Text className='muted'>{TEXT.nameLabel}</Text>
        <Input name='name' maxlength={20} />
        <Text className='muted'>{TEXT.phoneLabel}</Text>
        <Input name='phone' type='number' maxlength={11} />
        <Text className='muted'>{TEXT.idNumberLabel}</Text>
        <Input name='idNumber' maxlength={18} />
      </View>
      <Button className='button-primary' disabled>
        {TEXT.submit}
      </Button>
    </View>
  )
}
